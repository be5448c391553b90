#pragma once
// The broker link over CAF: logs in at the broker's gateway, receives pushes, and reconnects with
// exponential backoff and jitter whenever the broker (or the network) goes away.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "agent_node/link/broker_link.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::agent {

struct caf_link_config {
  std::string host = "127.0.0.1";
  uint16_t port = 4222;
  bool tls = false;
  std::string key;
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{30000};
  std::chrono::milliseconds request_timeout{15000};
  // Set as the link gains and loses its session, for the agent's readiness.
  std::shared_ptr<std::atomic<bool>> connected = std::make_shared<std::atomic<bool>>(false);
};

broker_link_actor spawn_caf_link(caf::actor_system& sys, caf_link_config cfg);

}  // namespace brokkr::agent
