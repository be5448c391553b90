#pragma once
// Which agents are connected over CAF, and where: fans pushes out to them, and notices when an
// agent's connection is gone. If the agent does not reconnect within the grace period, its
// claims' leases are ended at once (DESIGN.md section 5), so its work is claimable again in seconds.
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "actors/agent_protocol.hpp"
#include "actors/agent_session_protocol.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::broker {

class presence_book;

using join_atom = caf::join_atom;
using grace_atom = caf::atom_constant<caf::atom("grace")>;

using session_registry_actor = push_sink_actor::extend<
    // An agent logged in: its push receiver and the session the broker made for it.
    caf::reacts_to<join_atom, std::string, agent_link_actor, agent_session_actor>,
    // Its own timer: the grace period of an agent (id, generation) ended.
    caf::reacts_to<grace_atom, std::string, uint64_t>,
    caf::replies_to<stats_atom>::with<uint64_t>>;

struct session_registry_config {
  std::chrono::milliseconds grace{3000};
  std::shared_ptr<presence_book> presence;  // sessions opened and closed are marked here (may be null)
};

// Which of `n` connected targets hear of an item: all of them when `limit` is 0 or not below n;
// else `limit` in a row from `cursor` (mod n), so that successive items reach different agents
// instead of every target racing for each one (ADR 0062).
std::vector<size_t> offer_window(size_t n, size_t limit, size_t cursor);

session_registry_actor spawn_session_registry(caf::actor_system& sys, session_registry_config cfg,
                                              persistence::persistence_actor db);

}  // namespace brokkr::broker
