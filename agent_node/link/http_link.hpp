#pragma once
// The broker link over HTTP (--transport http): the seed's endpoints, polled by the dispatcher.
// Claiming is GET /agents/{id}/ephemeral-work/pending, then POST /ephemeral-work/{id}/claim on each
// item in order until one is ours (another agent may win a race: 409, try the next). While the
// broker is unreachable, calls fail at once with `unavailable` until a backoff with jitter (the
// same as the CAF link's reconnects) allows the next try.
// A detached actor: every call is a blocking libcurl request.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "agent_node/link/broker_link.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::agent {

struct http_link_config {
  std::string base_url = "http://127.0.0.1:8080";
  std::string key;
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{30000};
  int pending_page = 20;  // how many claimable items one poll looks at
  // Set after every call: whether the broker answered, for the agent's readiness.
  std::shared_ptr<std::atomic<bool>> connected = std::make_shared<std::atomic<bool>>(false);
};

broker_link_actor spawn_http_link(caf::actor_system& sys, http_link_config cfg);

}  // namespace brokkr::agent
