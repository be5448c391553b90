#include "agent_node/handlers/handler.hpp"

#include <algorithm>

#include "agent_node/handlers/buildrun_watcher.hpp"
#include "agent_node/handlers/kubernetes_apply.hpp"
#include "k8s/work_types.hpp"

namespace brokkr::agent {

const std::map<std::string, handler_factory>& handler_factories() {
  static const std::map<std::string, handler_factory> factories = {
      {std::string(k8s::work_type_shipwright_build), spawn_buildrun_watcher},
      {std::string(k8s::work_type_kubernetes_apply), spawn_kubernetes_apply},
  };
  return factories;
}

bool namespace_allowed(const handler_context& ctx, const std::string& ns) {
  const auto& allowed = ctx.settings.allowed_namespaces;
  if (allowed.empty()) return !ns.empty() && ns == ctx.default_namespace;
  for (const auto& a : allowed)
    if (a == "*" || (!ns.empty() && a == ns)) return true;
  return false;
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
