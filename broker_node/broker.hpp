#pragma once
// The broker's composition root: migrates the schema, bootstraps the admin key, and starts the
// actor system (persistence pool, LISTEN connection, claim supervisor, maintenance duties, HTTP
// facade, CAF gateway). stop() shuts it down gracefully.
#include <memory>

#include "broker_node/broker_config.hpp"
#include "common/expected.hpp"

namespace brokkr::broker {

class broker {
 public:
  explicit broker(broker_settings s);
  ~broker();
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;

  // Waits up to settings.db_wait for PostgreSQL, then starts everything. The error says what failed.
  status<std::string> start();
  // Stops accepting, finishes in-flight requests (up to settings.shutdown_timeout), stops actors.
  void stop();

  uint16_t http_port() const;
  uint16_t caf_port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::broker
