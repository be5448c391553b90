#pragma once
// An integration's session (admin key): submit, read, list, cancel, subscribe to transitions and
// live logs, through the work service and the log hub. Every message must carry the token issued at login.
#include <memory>
#include <string>

#include "actors/claim_protocol.hpp"
#include "actors/integration_protocol.hpp"
#include "broker_node/logs/log_hub.hpp"
#include "broker_node/work_service.hpp"
#include "persistence/persistence_actor.hpp"

namespace caf {
class actor_system;
}  // namespace caf

namespace brokkr::broker {

integration_session_actor spawn_integration_session(caf::actor_system& sys, std::string token,
                                                    persistence::persistence_actor db,
                                                    claim_supervisor_actor supervisor,
                                                    std::shared_ptr<const work_service> work, log_hub_actor logs);

}  // namespace brokkr::broker
