#pragma once
// The actor published behind the BASP guard on --caf-listen: checks a peer's protocol version and
// key once and hands out a session bound to that identity, with the token every later message to
// the session must carry.
#include <memory>

#include "actors/claim_protocol.hpp"
#include "actors/gateway_protocol.hpp"
#include "broker_node/agent_service.hpp"
#include "broker_node/logs/log_hub.hpp"
#include "broker_node/sessions/session_registry.hpp"
#include "broker_node/work_service.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker {

struct gateway_deps {
  persistence::persistence_actor db;
  claim_supervisor_actor supervisor;
  session_registry_actor registry;
  std::shared_ptr<const work_service> work;
  std::shared_ptr<const agent_service> agents;
  log_hub_actor logs;  // may be null: no live logs
};

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps);

}  // namespace brokkr::broker
