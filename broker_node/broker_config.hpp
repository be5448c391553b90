#pragma once
// brokkr-broker's configuration (DESIGN.md section 10): every flag is also BROKKR_<NAME> and a
// key of the --config YAML file. Validated at start; an error names the option.
#include <chrono>
#include <string>

#include "actors/scheduler.hpp"
#include "broker_node/http/services.hpp"
#include "broker_node/maintenance/maintenance_supervisor.hpp"
#include "persistence/ephemeral_work_repository.hpp"
#include "common/config.hpp"

namespace brokkr::broker {

struct broker_settings {
  std::string database_url;
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 8080;
  std::string caf_host = "127.0.0.1";
  uint16_t caf_port = 4222;
  bool caf_enabled = true;
  std::string admin_key_file = "brokkr-admin.key";
  std::string admin_key_hash;  // "<short>:<sha256 hex>", optional
  int db_pool_size = 4;
  int http_threads = 2;
  size_t http_body_limit = 4 * 1024 * 1024;
  std::chrono::milliseconds request_timeout = http::request_timeout_default;
  std::chrono::seconds backoff_cap = persistence::work_queue_config{}.backoff_cap;
  std::chrono::seconds retry_elsewhere_for = persistence::work_queue_config{}.retry_elsewhere_for;
  std::chrono::milliseconds key_cache_ttl{5000};
  std::chrono::milliseconds shutdown_timeout{10000};
  std::chrono::milliseconds db_wait{60000};   // how long start-up waits for PostgreSQL
  std::chrono::milliseconds agent_grace{3000};  // ADR 0054
  int push_fanout = 8;                           // ADR 0062: a new item is offered to this many agents first
  // An agent is READY when seen within this (HTTP agents poll every 30 s by default).
  std::chrono::milliseconds agent_ready_window{75000};
  // CAF transport security (issue: CAF remote messaging).
  std::string tls_cert, tls_key, tls_ca;
  size_t caf_max_connections = 4096;     // peers connected to the CAF port at once
  uint32_t caf_max_message = 16 << 20;   // largest BASP payload a peer may send
  size_t http_max_connections = 4096;
  std::chrono::seconds http_header_timeout{10};
  scheduler_settings scheduler;
  bool allow_plaintext = false;
  maintenance_config maintenance;
};

config::parser broker_options();
expected<broker_settings, config::error> settings_from(const config::values& v);

}  // namespace brokkr::broker
