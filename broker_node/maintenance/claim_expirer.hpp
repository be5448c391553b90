#pragma once
// Duty: take back claims whose lease ran out (no heartbeat) or that exceeded claim_timeout_seconds.
// The work-item actors' timers do this at the deadline; this sweep is the safety net (DESIGN.md
// section 5) for items whose actor is missing or whose broker was down.
#include <chrono>

#include "broker_node/maintenance/duty.hpp"
#include "common/expected.hpp"

namespace brokkr::broker {

inline constexpr std::chrono::milliseconds claim_expirer_interval_default{10000};
inline constexpr int claim_expirer_batch_default = 500;
inline constexpr int claim_expirer_max_batches_default = 20;  // per run, so one run stays short

struct claim_expirer_config {
  std::chrono::milliseconds interval = claim_expirer_interval_default;
  int batch = claim_expirer_batch_default;
  int max_batches = claim_expirer_max_batches_default;
};

struct claim_expirer_result {
  size_t retry = 0;      // now FAILED_RETRYABLE
  size_t permanent = 0;  // retries exhausted
  size_t canceled = 0;   // a cancel was pending
  bool more = false;     // the run's budget ran out on a full batch
};

status<std::string> validate(const claim_expirer_config& cfg);
persistence::db_result<claim_expirer_result> run_once(persistence::repositories& r, const claim_expirer_config& cfg);
duty make_claim_expirer(claim_expirer_config cfg, std::function<void(const duty_result&)> observe = {});

}  // namespace brokkr::broker
