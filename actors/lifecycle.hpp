#pragma once
// Pure decisions of the work lifecycle (DESIGN.md section 4). Persistence calls them inside the
// transaction that holds the item's row lock and writes what they return; nothing else decides a
// transition. Times are relative (delays), because "now" belongs to PostgreSQL.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "actors/work_item.hpp"
#include "actors/work_status.hpp"
#include "common/expected.hpp"

namespace brokkr {

using std::chrono::seconds;

// Default cap on the retry delay: an item never waits more than an hour between runs.
inline constexpr seconds default_backoff_cap{3600};

// Delay before run number retry_count+1, after retry_count failures (retry_count >= 1):
//   delay = min(backoff_base * 2^(retry_count - 1), backoff_cap)
// so with base 30 s: 30, 60, 120, 240, 480 ... capped. Saturates instead of overflowing.
seconds retry_delay(int retry_count, seconds backoff_base, seconds backoff_cap);

// Failure reasons the queue itself assigns (agents report their own, e.g. Shipwright reasons).
inline constexpr const char* reason_claim_expired = "ClaimExpired";
inline constexpr const char* reason_retries_exhausted = "RetriesExhausted";
inline constexpr const char* reason_canceled = "Canceled";

// The columns a transition decision reads, taken under the row lock.
struct claim_snapshot {
  work_status status = work_status::pending;
  std::string claimed_by;
  int attempt = 0;
  int retry_count = 0;
  int max_retries = 0;
  seconds backoff_base{30};
  bool cancel_requested = false;
};

// What to write. Unset optionals leave the column as it is.
struct transition {
  work_status to = work_status::pending;
  std::optional<int> retry_count;
  std::optional<seconds> retry_after;   // next_retry_after = now() + this (FAILED_RETRYABLE)
  bool ends_item = false;               // sets completed_at = now() (terminal)
  std::string failure_reason;           // empty = NULL
  std::string result_message;           // empty = NULL
};

// A failed run (reported retryable, or a stale claim): one more retry, or permanent once the
// budget is spent (max_retries = 3 means at most 4 runs). A run whose cancel was requested ends
// CANCELED instead: the user asked for it to stop, so it is never retried.
transition decide_failure(const claim_snapshot& row, const std::string& reason,
                          const std::string& message, seconds backoff_cap);

// Why a completion report is refused. Nothing is written for any of them.
enum class completion_refusal : uint8_t {
  not_claimed,     // the item is not CLAIMED (already finished, expired, never claimed)
  not_claimer,     // claimed by another agent
  stale_attempt,   // the reporter's claim was expired and the item re-claimed (fencing)
};
const char* to_string(completion_refusal r);
std::ostream& operator<<(std::ostream& os, completion_refusal r);

// The claimer's report: accepted only from the current claimer with the current attempt.
// COMPLETED always wins (the work finished before a cancel could stop it); with a cancel
// requested, any other outcome ends CANCELED.
expected<transition, completion_refusal> decide_completion(const claim_snapshot& row,
                                                           const completion_report& report,
                                                           seconds backoff_cap);

// What a report comes to if the item is CLAIMED by its reporter at its attempt, before anything
// else is read. A success needs nothing else (it wins over a cancel request and keeps the retry
// count), so it can be written at once, fenced by that claim, and read only if the fence refuses
// it (ADR 71). Every other outcome depends on the retry budget or the cancel request: nullopt.
// decide_completion gives the same transition for a success on any such row.
std::optional<transition> decide_completion_on_claim(const completion_report& report);

// Why a claim is stale, if it is: "lease" (no heartbeat within the lease) or "timeout"
// (claim_timeout_seconds exceeded). The expirer uses the cause in the item's message; the
// work-item actor arms its timer for the earlier of the two deadlines.
enum class stale_cause : uint8_t { none, lease_expired, claim_timeout };
using sys_clock_time = std::chrono::system_clock::time_point;
stale_cause stale_claim_cause(std::optional<sys_clock_time> lease_expires_at,
                              std::optional<sys_clock_time> claim_deadline, sys_clock_time now);
std::string stale_claim_message(stale_cause cause, int lease_seconds, int claim_timeout_seconds);
// Why the claims of an agent whose session closed and stayed closed for the grace period were
// taken back: its lease is ended early, so the lease's own message would blame a heartbeat that was
// never due.
std::string agent_gone_message(std::chrono::milliseconds grace);

}  // namespace brokkr
