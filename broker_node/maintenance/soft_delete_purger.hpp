#pragma once
// Duty: remove soft-deleted items (their selectors go by their keys' cascade, their events by the
// delete trigger of migration 0018) once they have been deleted for `retention`.
#include <chrono>

#include "broker_node/maintenance/batched.hpp"
#include "broker_node/maintenance/duty.hpp"
#include "common/expected.hpp"

namespace brokkr::broker {

inline constexpr std::chrono::milliseconds soft_delete_purger_interval_default{300000};
inline constexpr std::chrono::seconds soft_delete_retention_default{86400};
inline constexpr int soft_delete_purger_batch_default = 1000;

struct soft_delete_purger_config {
  std::chrono::milliseconds interval = soft_delete_purger_interval_default;
  std::chrono::seconds retention = soft_delete_retention_default;
  int batch = soft_delete_purger_batch_default;
  int max_batches = 20;
};

status<std::string> validate(const soft_delete_purger_config& cfg);
persistence::db_result<batch_run> run_once(persistence::repositories& r, const soft_delete_purger_config& cfg);
duty make_soft_delete_purger(soft_delete_purger_config cfg);

}  // namespace brokkr::broker
