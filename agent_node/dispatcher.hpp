#pragma once
// The dispatcher: claims work up to --max-concurrent-work, starts one handler per claimed item by
// work type, renews leases while they run, forwards cancels, and reports outcomes, retrying a report
// until the broker acknowledges it (a refusal for a stale attempt ends it quietly).
#include <caf/actor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent_node/handlers/handler.hpp"
#include "agent_node/link/broker_link.hpp"
#include "common/metrics.hpp"

namespace brokkr::agent {

struct dispatcher_config {
  int max_concurrent = 4;
  std::vector<std::string> work_types;
  bool enabled = true;
  std::chrono::milliseconds poll_interval{30000};
  std::chrono::milliseconds report_retry_min{500};
  std::chrono::milliseconds report_retry_max{30000};
};

caf::actor spawn_dispatcher(caf::actor_system& sys, dispatcher_config cfg, broker_link_actor link,
                            handler_context ctx, std::shared_ptr<metrics::registry> metrics);

// Declares the agent's metric families.
void declare_agent_metrics(metrics::registry& m);

}  // namespace brokkr::agent
