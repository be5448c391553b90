#include "agent_node/handlers/handler.hpp"

#include <algorithm>

#include "actors/work_types.hpp"
#include "agent_node/handlers/buildrun_watcher.hpp"
#include "agent_node/handlers/kubernetes_apply.hpp"

namespace brokkr::agent {

const std::map<std::string, handler_factory>& handler_factories() {
  static const std::map<std::string, handler_factory> factories = {
      {std::string(work_type_shipwright_build), spawn_buildrun_watcher},
      {std::string(work_type_kubernetes_apply), spawn_kubernetes_apply},
  };
  return factories;
}

std::chrono::milliseconds watch_budget(int claim_timeout_seconds) {
  // Report before the broker's claim deadline: keep 5 % (at least 5 s) in hand, but never less
  // than half the timeout.
  const int64_t total = int64_t{claim_timeout_seconds} * 1000;
  const int64_t margin = std::max<int64_t>(5000, total / 20);
  return std::chrono::milliseconds(std::max(total - margin, total / 2));
}

std::chrono::milliseconds remaining_watch_budget(const work_item& item, timestamp now) {
  const auto budget = watch_budget(item.claim_timeout_seconds);
  if (!item.claimed_at) return budget;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - *item.claimed_at);
  return std::clamp(budget - std::max(elapsed, std::chrono::milliseconds{0}), std::chrono::milliseconds{0}, budget);
}

}  // namespace brokkr::agent
