#pragma once
// The broker's HTTP facade: the shared Beast server; a request runs on the I/O thread and the
// database worker that runs its job, with no actor in between (ADR 0059).
#include <memory>

#include "broker_node/http/services.hpp"
#include "common/http_server.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::broker::http {

class api_server {
 public:
  api_server(caf::actor_system& sys, brokkr::http::server_config cfg, std::shared_ptr<const services> svc);
  expected<uint16_t, std::string> start();
  // Stops accepting, lets in-flight requests finish up to `timeout`, ends open streams.
  void stop(std::chrono::milliseconds timeout);
  uint16_t port() const;

 private:
  std::unique_ptr<brokkr::http::server> server_;
};

}  // namespace brokkr::broker::http
