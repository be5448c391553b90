#include "actors/lifecycle.hpp"

#include "common/config.hpp"

#include <ostream>

namespace brokkr {

seconds retry_delay(int retry_count, seconds backoff_base, seconds backoff_cap) {
  if (retry_count < 1) retry_count = 1;
  const int exponent = retry_count - 1;
  // base <= 86400 (validated) fits 2^47 without overflow; beyond 2^40 any base exceeds any cap.
  if (exponent >= 40) return backoff_cap;
  const long long delay = backoff_base.count() * (1LL << exponent);
  return delay > backoff_cap.count() ? backoff_cap : seconds(delay);
}

transition decide_failure(const claim_snapshot& row, const std::string& reason,
                          const std::string& message, seconds backoff_cap) {
  transition t;
  if (row.cancel_requested) {
    t.to = work_status::canceled;
    t.ends_item = true;
    t.failure_reason = reason_canceled;
    t.result_message = "canceled on request; the run ended with " + reason +
                       (message.empty() ? "" : ": " + message);
    return t;
  }
  const int retries = row.retry_count + 1;
  t.retry_count = retries;
  t.failure_reason = reason;
  if (retries > row.max_retries) {
    t.to = work_status::failed_permanent;
    t.ends_item = true;
    t.failure_reason = reason_retries_exhausted;
    t.result_message = "retries exhausted after " + std::to_string(retries) +
                       " runs; last failure " + reason + (message.empty() ? "" : ": " + message);
    return t;
  }
  t.to = work_status::failed_retryable;
  t.retry_after = retry_delay(retries, row.backoff_base, backoff_cap);
  t.result_message = message;
  return t;
}

const char* to_string(completion_refusal r) {
  switch (r) {
    case completion_refusal::not_claimed: return "the item is not claimed";
    case completion_refusal::not_claimer: return "the item is claimed by another agent";
    case completion_refusal::stale_attempt:
      return "the attempt is stale: the claim expired and the item was claimed again";
  }
  return "refused";
}

std::ostream& operator<<(std::ostream& os, completion_refusal r) { return os << to_string(r); }

expected<transition, completion_refusal> decide_completion(const claim_snapshot& row,
                                                           const completion_report& report,
                                                           seconds backoff_cap) {
  if (row.status != work_status::claimed) {
    // A reporter whose attempt is behind lost its claim; say so rather than "not claimed".
    if (report.attempt < row.attempt) return unexpected(completion_refusal::stale_attempt);
    return unexpected(completion_refusal::not_claimed);
  }
  // The attempt is the fencing token: a report for another attempt is stale whoever sends it.
  if (row.attempt != report.attempt) return unexpected(completion_refusal::stale_attempt);
  if (row.claimed_by != report.agent_id) return unexpected(completion_refusal::not_claimer);

  transition t;
  switch (report.outcome) {
    case work_outcome::completed:
      return *decide_completion_on_claim(report);
    case work_outcome::failed_retryable:
      return decide_failure(row, report.failure_reason.empty() ? "Failed" : report.failure_reason,
                            report.result_message, backoff_cap);
    case work_outcome::failed_permanent:
      if (row.cancel_requested) break;
      t.to = work_status::failed_permanent;
      t.ends_item = true;
      t.failure_reason = report.failure_reason.empty() ? "Failed" : report.failure_reason;
      t.result_message = report.result_message;
      return t;
    case work_outcome::canceled:
      break;
  }
  t.to = work_status::canceled;
  t.ends_item = true;
  t.failure_reason = report.failure_reason.empty() ? reason_canceled : report.failure_reason;
  t.result_message = report.result_message.empty() ? "canceled" : report.result_message;
  return t;
}

std::optional<transition> decide_completion_on_claim(const completion_report& report) {
  if (report.outcome != work_outcome::completed) return std::nullopt;
  transition t;
  t.to = work_status::completed;
  t.ends_item = true;
  t.result_message = report.result_message;
  return t;
}

stale_cause stale_claim_cause(std::optional<sys_clock_time> lease_expires_at,
                              std::optional<sys_clock_time> claim_deadline, sys_clock_time now) {
  if (claim_deadline && *claim_deadline <= now) return stale_cause::claim_timeout;
  if (lease_expires_at && *lease_expires_at <= now) return stale_cause::lease_expired;
  return stale_cause::none;
}

std::string stale_claim_message(stale_cause cause, int lease_seconds, int claim_timeout_seconds) {
  switch (cause) {
    case stale_cause::lease_expired:
      return "claim expired: no heartbeat within the " + std::to_string(lease_seconds) +
             " s lease";
    case stale_cause::claim_timeout:
      return "claim expired: the run exceeded claim_timeout_seconds (" +
             std::to_string(claim_timeout_seconds) + " s)";
    case stale_cause::none:
      break;
  }
  return "claim expired";
}

std::string agent_gone_message(std::chrono::milliseconds grace) {
  return "claim expired: the claiming agent's session closed and it did not reconnect within the " +
         config::duration_text(grace) + " grace period (--agent-grace-period)";
}

}  // namespace brokkr
