#pragma once
// The shipwright-build handler: the BuildRun watcher, a reconciler keyed by (work id, attempt).
// It applies the Build (server-side apply), creates the BuildRun under a deterministic name (or
// adopts the one already there: that is how a restarted agent re-attaches), follows it through the
// shared informer, and on its terminal state reports the mapped outcome with digest, commit,
// failure details and a log tail. Cancel = merge-patch spec.state: BuildRunCanceled.
#include "agent_node/handlers/handler.hpp"

namespace brokkr::agent {

handler_actor spawn_buildrun_watcher(caf::actor_system& sys, const handler_context& ctx, const work_item& item);

}  // namespace brokkr::agent
