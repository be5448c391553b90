#pragma once
// One agent's session: every request acts as that agent, and is refused unless it comes from the
// node that logged in (a leaked handle is useless elsewhere).
#include "actors/agent_protocol.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor_system;
class node_id;
}  // namespace caf

namespace brokkr::broker {

agent_session_actor spawn_agent_session(caf::actor_system& sys, std::string agent_id, caf::node_id peer,
                                        persistence::persistence_actor db);

}  // namespace brokkr::broker
