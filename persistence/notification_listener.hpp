#pragma once
// A detached actor holding one LISTEN connection. It forwards every NOTIFY as a work_notice or
// agent_notice to `target`, and sends `resync_atom` after each (re)connect because notifications
// sent while it was disconnected are gone. It also keeps db_health current.
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/atoms.hpp"
#include "actors/work_notice.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::persistence {

inline constexpr const char* work_channel = "brokkr_work";
inline constexpr const char* agent_channel = "brokkr_agent";

struct listener_config {
  std::string url;
  std::chrono::milliseconds poll{250};            // how long one wait for notifications blocks
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{5000};
};

caf::actor spawn_notification_listener(caf::actor_system& sys, listener_config cfg, caf::actor target,
                                       std::shared_ptr<db_health> health);

// Parses the trigger's JSON payload; false when it is not one.
bool parse_work_notice(const std::string& payload, work_notice& out);

}  // namespace brokkr::persistence

