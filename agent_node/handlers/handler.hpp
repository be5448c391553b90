#pragma once
// A work handler runs one claimed item of one work type in this cluster, then reports once:
//   handler -> dispatcher (handler_sink_actor): (done_atom, completion_report), then it exits.
// The dispatcher tells it (cancel_atom) when the broker asks for a cancel or the claim is lost.
// The informer hub sends it `observed` about the object it watches. The dispatcher passes on the
// broker's live-log requests for its item (logs_atom); a handler without a log answers with a note.
#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "actors/job_request.hpp"
#include "actors/wire.hpp"
#include "agent_node/agent_config.hpp"
#include "agent_node/handlers/api_failure.hpp"
#include "agent_node/informer_hub.hpp"
#include "agent_node/k8s_pool.hpp"
#include "agent_node/log_streamer.hpp"
#include "common/json_limits.hpp"

namespace brokkr::agent {

using done_atom = caf::atom_constant<caf::atom("done")>;

using handler_actor = caf::typed_actor<
    caf::reacts_to<cancel_atom>,
    caf::reacts_to<logs_atom, log_stream_request>,  // the broker wants this run's live log
    caf::reacts_to<observed>,            // the watched object changed (informer hub)
    caf::reacts_to<caf::timeout_atom>>;  // its own time budget ran out

// Where a handler's one report goes (the dispatcher). The report names the item and the attempt.
using handler_sink_actor = caf::typed_actor<caf::reacts_to<done_atom, completion_report>>;

struct handler_context {
  k8s_pool_actor k8s;
  informer_hub_actor informers;
  agent_settings settings;
  std::string default_namespace;
  handler_sink_actor dispatcher;
  log_streamer_actor logs;  // live logs (may be null in tests)
};

// The report skeleton both handlers share: the run's one report goes to the sink, then the handler
// ends. `details` is the result_details object.
template <class Self>
void send_report(Self* self, const handler_context& ctx, const work_item& item, work_outcome outcome,
                 std::string reason, std::string message, const nlohmann::json& details) {
  completion_report r{item.id, {}, item.attempt, outcome, std::move(reason), std::move(message),
                      details.is_null() ? std::string() : json_limits::dump(details)};
  caf::anon_send(ctx.dispatcher, done_atom::value, std::move(r));
  self->quit();
}

// The Kubernetes-call skeleton both handlers share: `ok` gets the call's value; a failure is
// classified from its status (handlers/api_failure.hpp) and handed to `failed`.
template <class T, class Self, class Fn, class Ok, class Failed>
void k8s_step(Self* self, const handler_context& ctx, std::string name, Fn fn, Ok ok, std::string doing, Failed failed) {
  request_job(self, ctx.k8s, std::chrono::minutes(5), make_k8s_job<T>(std::move(name), std::move(fn)), std::move(ok),
              [failed, doing](const k8s::api_status& e) mutable { failed(classify_api_failure(e, doing)); });
}

// The agent's write policy: may work create objects in namespace `ns` ("" = cluster-scoped)?
// --allowed-namespaces, or only the agent's own namespace when that list is empty.
bool namespace_allowed(const handler_context& ctx, const std::string& ns);

using handler_factory = std::function<handler_actor(caf::actor_system&, const handler_context&, const work_item&)>;

// work_type -> factory, for every type this agent can run.
const std::map<std::string, handler_factory>& handler_factories();

// How long a handler may take: the claim timeout less a margin, so the agent reports before the
// broker takes the claim back (STYLE.md 5.8, the watch budget).
std::chrono::milliseconds watch_budget(int claim_timeout_seconds);

// What is left of that budget at `now` for a claim made at item.claimed_at: a handler re-attached
// after an agent restart gets the rest, not a fresh budget. Never negative; a claimed_at ahead of
// this host's clock (skew) counts as claimed now.
std::chrono::milliseconds remaining_watch_budget(const work_item& item, timestamp now);

// Sends the handler a timeout_atom when the rest of its budget runs out (a timer as a message).
template <class Handler>
void arm_watch_budget(Handler* self, const work_item& item) {
  self->delayed_send(self, remaining_watch_budget(item, std::chrono::system_clock::now()), caf::timeout_atom::value);
}

}  // namespace brokkr::agent
