#pragma once
// What request handlers may reach: the operations (work and agent services), the persistence pool
// that runs them, the claim supervisor and sessions (for streams and /metrics), health, metrics.
// Shared, read-only after start.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actors/claim_protocol.hpp"
#include "broker_node/agent_service.hpp"
#include "broker_node/logs/log_hub.hpp"
#include "broker_node/sessions/presence_book.hpp"
#include "broker_node/sessions/session_registry.hpp"
#include "broker_node/work_service.hpp"
#include "common/metrics.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker::http {

inline constexpr std::chrono::milliseconds request_timeout_default{30000};

struct services {
  persistence::persistence_actor db;
  std::shared_ptr<persistence::db_queue> db_queue;      // requests' jobs go here (ADR 0059)
  claim_supervisor_actor supervisor;
  session_registry_actor sessions;
  log_hub_actor logs;  // live logs (may be null)
  // The hub's count of agents with requests waiting for a heartbeat (log_hub_config); null: ask.
  std::shared_ptr<const std::atomic<size_t>> logs_waiting;
  std::shared_ptr<const work_service> work;
  std::shared_ptr<const agent_service> agents;
  std::shared_ptr<persistence::db_health> health;
  std::shared_ptr<metrics::registry> metrics;
  std::string openapi_yaml;                              // served at /openapi.yaml
  std::chrono::milliseconds request_timeout = request_timeout_default;  // job not started by then: 504
  std::chrono::milliseconds follow_poll{5000};           // safety-net poll of followed event streams
  std::chrono::milliseconds max_follow{3600 * 1000};     // a followed stream ends after this long
  std::shared_ptr<presence_book> presence;               // agents seen over HTTP are marked here
  std::chrono::milliseconds agent_ready_window{75000};   // --agent-ready-window
};

// Declares every metric family the facade updates (the services declare their own).
void declare_metrics(metrics::registry& m);

}  // namespace brokkr::broker::http
