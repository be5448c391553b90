#pragma once
// Starts the maintenance duties, restarts any that dies, and stops them with itself.
// Duties: claim_expirer, ttl_soft_deleter, soft_delete_purger, and the work-item rehydrator
// (a periodic resync of the claim supervisor against PostgreSQL), and the presence writer.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/claim_protocol.hpp"
#include "broker_node/maintenance/claim_expirer.hpp"
#include "broker_node/maintenance/presence_writer.hpp"
#include "broker_node/maintenance/soft_delete_purger.hpp"
#include "broker_node/maintenance/ttl_soft_deleter.hpp"

namespace brokkr::broker {

inline constexpr std::chrono::milliseconds rehydrate_interval_default{60000};

struct maintenance_config {
  claim_expirer_config claims;
  ttl_soft_deleter_config ttl;
  soft_delete_purger_config purge;
  std::chrono::milliseconds rehydrate_interval = rehydrate_interval_default;
  std::function<void(const duty_result&)> observe_claims;  // metrics of the claim expirer
  // Every run of the batched duties (claim expirer, TTL soft-deleter, purger), by duty name: the
  // rows acted on and whether the run stopped on its budget (ADR 0078).
  std::function<void(const std::string& duty, const duty_result&)> observe_runs;
  std::shared_ptr<presence_book> presence;                 // null: no presence writer
  std::chrono::milliseconds presence_interval = presence_interval_default;
};

caf::actor spawn_maintenance(caf::actor_system& sys, maintenance_config cfg, persistence::persistence_actor db,
                             claim_supervisor_actor supervisor);

}  // namespace brokkr::broker
