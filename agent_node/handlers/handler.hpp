#pragma once
// A work handler runs one claimed item of one work type in this cluster, then reports once:
//   handler -> dispatcher: (done_atom, work id, attempt, completion_msg), then it exits.
// The dispatcher tells it (cancel_atom) when the broker asks for a cancel or the claim is lost.
// The informer hub sends it `observed` about the object it watches.
#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "actors/wire.hpp"
#include "agent_node/agent_config.hpp"
#include "agent_node/informer_hub.hpp"
#include "agent_node/k8s_pool.hpp"

namespace brokkr::agent {

using done_atom = caf::atom_constant<caf::atom("done")>;

using handler_actor = caf::typed_actor<
    caf::reacts_to<cancel_atom>,
    caf::reacts_to<observed>,            // the watched object changed (informer hub)
    caf::reacts_to<caf::timeout_atom>>;  // its own time budget ran out

struct handler_context {
  k8s_pool_actor k8s;
  informer_hub_actor informers;
  agent_settings settings;
  std::string default_namespace;
  caf::actor dispatcher;
};

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
