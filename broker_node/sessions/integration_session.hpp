#pragma once
// An integration's session (admin key): submit, read, list, cancel, subscribe. Requests from any
// node but the one that logged in are refused.
#include "actors/claim_protocol.hpp"
#include "actors/integration_protocol.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor_system;
class node_id;
}  // namespace caf

namespace brokkr::broker {

integration_session_actor spawn_integration_session(caf::actor_system& sys, caf::node_id peer,
                                                    persistence::persistence_actor db,
                                                    claim_supervisor_actor supervisor);

}  // namespace brokkr::broker
