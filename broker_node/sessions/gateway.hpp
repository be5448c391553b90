#pragma once
// The actor published on --caf-listen: checks a peer's key once and hands out a session bound to
// that identity and to the peer's node.
#include "actors/claim_protocol.hpp"
#include "actors/gateway_protocol.hpp"
#include "broker_node/sessions/session_registry.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker {

struct gateway_deps {
  persistence::persistence_actor db;
  claim_supervisor_actor supervisor;
  session_registry_actor registry;
};

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps);

}  // namespace brokkr::broker
