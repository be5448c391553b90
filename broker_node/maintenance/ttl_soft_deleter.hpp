#pragma once
// Duty: soft-delete finished items once completed_at + ttl_seconds has passed (NFR-005).
#include <chrono>

#include "broker_node/maintenance/batched.hpp"
#include "broker_node/maintenance/duty.hpp"
#include "common/expected.hpp"

namespace brokkr::broker {

inline constexpr std::chrono::milliseconds ttl_soft_deleter_interval_default{30000};
inline constexpr int ttl_soft_deleter_batch_default = 1000;

struct ttl_soft_deleter_config {
  std::chrono::milliseconds interval = ttl_soft_deleter_interval_default;
  int batch = ttl_soft_deleter_batch_default;
  int max_batches = 20;
};

status<std::string> validate(const ttl_soft_deleter_config& cfg);
persistence::db_result<batch_run> run_once(persistence::repositories& r, const ttl_soft_deleter_config& cfg);
duty make_ttl_soft_deleter(ttl_soft_deleter_config cfg);

}  // namespace brokkr::broker
