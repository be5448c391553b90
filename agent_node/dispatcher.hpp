#pragma once
// The dispatcher: claims work up to --max-concurrent-work, starts one handler per claimed item by
// work type, renews leases while they run, forwards cancels, and reports outcomes, retrying a report
// until the broker acknowledges it (a refusal for a stale attempt ends it quietly).
//
//   from the link:     link_listener_actor: (available_atom, id) (cancel_atom, id) (resync_atom)
//   from handlers:     handler_sink_actor:  (done_atom, completion_report)
//   own timers:        (tick_atom) poll; (heartbeat_atom, id, attempt); (complete_atom, id) report retry
//   from /readyz:      (stats_atom) -> running count
#include <caf/typed_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent_node/handlers/handler.hpp"
#include "agent_node/link/broker_link.hpp"
#include "common/metrics.hpp"

namespace brokkr::agent {

using dispatcher_actor = link_listener_actor::extend_with<handler_sink_actor>::extend<
    caf::reacts_to<caf::tick_atom>,
    caf::reacts_to<heartbeat_atom, std::string, int32_t>,
    caf::reacts_to<complete_atom, std::string>,
    caf::replies_to<stats_atom>::with<uint64_t>>;

struct dispatcher_config {
  int max_concurrent = 4;
  std::vector<std::string> work_types;
  bool enabled = true;
  std::chrono::milliseconds poll_interval{30000};
  std::chrono::milliseconds report_retry_min{500};
  std::chrono::milliseconds report_retry_max{30000};
  // work type -> handler factory: handler_factories() in the agent, fakes in tests.
  std::map<std::string, handler_factory> handlers = handler_factories();
};

dispatcher_actor spawn_dispatcher(caf::actor_system& sys, dispatcher_config cfg, broker_link_actor link,
                                  handler_context ctx, std::shared_ptr<metrics::registry> metrics);

// Declares the agent's metric families.
void declare_agent_metrics(metrics::registry& m);

}  // namespace brokkr::agent
