#pragma once
// One agent's CAF session: every message must carry the token issued at login; each acts as the
// session's agent through the work service (the same operations as the HTTP routes). Log chunks
// go to the log hub (may be null: the chunk is answered "stop").
#include <memory>
#include <string>

#include "actors/agent_protocol.hpp"
#include "broker_node/logs/log_hub.hpp"
#include "broker_node/work_service.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker {

agent_session_actor spawn_agent_session(caf::actor_system& sys, std::string agent_id, std::string token,
                                        persistence::persistence_actor db, std::shared_ptr<const work_service> work,
                                        log_hub_actor logs);

}  // namespace brokkr::broker
