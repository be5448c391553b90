#pragma once
// The broker link over HTTP (--transport http): the seed's endpoints, polled by the dispatcher.
// A detached actor: every call is a blocking libcurl request.
#include <chrono>
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
};

broker_link_actor spawn_http_link(caf::actor_system& sys, http_link_config cfg);

}  // namespace brokkr::agent
