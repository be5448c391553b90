#include <boost/test/unit_test.hpp>

#include "actors/lifecycle.hpp"

using namespace brokkr;
using std::chrono::seconds;

namespace {

claim_snapshot claimed_row(int retry_count = 0, int max_retries = 3, bool cancel = false) {
  claim_snapshot s;
  s.status = work_status::claimed;
  s.claimed_by = "agent-a";
  s.attempt = 2;
  s.retry_count = retry_count;
  s.max_retries = max_retries;
  s.backoff_base = seconds(30);
  s.cancel_requested = cancel;
  return s;
}

completion_report report(work_outcome o, int attempt = 2, std::string agent = "agent-a") {
  return {"w", std::move(agent), attempt, o, "GitError", "clone failed", ""};
}

}  // namespace

BOOST_AUTO_TEST_CASE(backoff_doubles_from_the_base_for_retries_one_to_five) {
  const seconds base(30), cap(3600);
  BOOST_TEST(retry_delay(1, base, cap).count() == 30);
  BOOST_TEST(retry_delay(2, base, cap).count() == 60);
  BOOST_TEST(retry_delay(3, base, cap).count() == 120);
  BOOST_TEST(retry_delay(4, base, cap).count() == 240);
  BOOST_TEST(retry_delay(5, base, cap).count() == 480);
}

BOOST_AUTO_TEST_CASE(backoff_is_capped_and_never_overflows) {
  BOOST_TEST(retry_delay(7, seconds(30), seconds(1000)).count() == 1000);  // 30*64 = 1920 > 1000
  BOOST_TEST(retry_delay(6, seconds(30), seconds(1000)).count() == 960);
  BOOST_TEST(retry_delay(100, seconds(86400), seconds(3600)).count() == 3600);
  BOOST_TEST(retry_delay(63, seconds(1), seconds(7)).count() == 7);
}

BOOST_AUTO_TEST_CASE(max_retries_three_allows_four_runs) {
  // Runs 1..3 fail: each becomes FAILED_RETRYABLE with a growing delay.
  for (int rc = 0; rc < 3; ++rc) {
    const auto t = decide_failure(claimed_row(rc, 3), "GitError", "x", default_backoff_cap);
    BOOST_TEST(t.to == work_status::failed_retryable);
    BOOST_TEST(t.retry_count.value_or(-1) == rc + 1);
    BOOST_TEST(t.retry_after->count() == 30 << rc);
    BOOST_TEST(!t.ends_item);
    BOOST_TEST(t.failure_reason == "GitError");
  }
  // Run 4 fails: retry_count 4 > 3, permanent.
  const auto t = decide_failure(claimed_row(3, 3), "GitError", "x", default_backoff_cap);
  BOOST_TEST(t.to == work_status::failed_permanent);
  BOOST_TEST(t.retry_count.value_or(-1) == 4);
  BOOST_TEST(t.failure_reason == reason_retries_exhausted);
  BOOST_TEST(t.ends_item);
  BOOST_TEST(!t.retry_after);
  BOOST_TEST(t.result_message.find("GitError") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(max_retries_zero_means_one_run) {
  const auto t = decide_failure(claimed_row(0, 0), reason_claim_expired, "m", default_backoff_cap);
  BOOST_TEST(t.to == work_status::failed_permanent);
}

BOOST_AUTO_TEST_CASE(failure_of_a_run_with_cancel_requested_ends_canceled_without_retry) {
  const auto t = decide_failure(claimed_row(0, 3, true), reason_claim_expired, "m", default_backoff_cap);
  BOOST_TEST(t.to == work_status::canceled);
  BOOST_TEST(!t.retry_count);  // kept: a canceled run does not count against the budget
  BOOST_TEST(t.ends_item);
}

BOOST_AUTO_TEST_CASE(completion_is_fenced_by_claimer_and_attempt) {
  auto row = claimed_row();
  BOOST_TEST(decide_completion(row, report(work_outcome::completed, 1), default_backoff_cap).error() ==
             completion_refusal::stale_attempt);
  BOOST_TEST(decide_completion(row, report(work_outcome::completed, 2, "agent-b"), default_backoff_cap).error() ==
             completion_refusal::not_claimer);
  row.status = work_status::failed_retryable;
  BOOST_TEST(decide_completion(row, report(work_outcome::completed, 2), default_backoff_cap).error() ==
             completion_refusal::not_claimed);
  BOOST_TEST(decide_completion(row, report(work_outcome::completed, 1), default_backoff_cap).error() ==
             completion_refusal::stale_attempt);
}

BOOST_AUTO_TEST_CASE(completion_outcomes) {
  const auto done = decide_completion(claimed_row(), report(work_outcome::completed), default_backoff_cap);
  BOOST_TEST(done->to == work_status::completed);
  BOOST_TEST(done->ends_item);
  BOOST_TEST(done->failure_reason.empty());

  const auto retry = decide_completion(claimed_row(1), report(work_outcome::failed_retryable), default_backoff_cap);
  BOOST_TEST(retry->to == work_status::failed_retryable);
  BOOST_TEST(retry->retry_count.value_or(-1) == 2);
  BOOST_TEST(retry->retry_after->count() == 60);

  const auto perm = decide_completion(claimed_row(), report(work_outcome::failed_permanent), default_backoff_cap);
  BOOST_TEST(perm->to == work_status::failed_permanent);
  BOOST_TEST(perm->failure_reason == "GitError");
  BOOST_TEST(!perm->retry_count);
}

BOOST_AUTO_TEST_CASE(cancel_requested_turns_failures_into_canceled_but_success_stands) {
  const auto row = claimed_row(0, 3, true);
  BOOST_TEST(decide_completion(row, report(work_outcome::completed), default_backoff_cap)->to ==
             work_status::completed);
  BOOST_TEST(decide_completion(row, report(work_outcome::failed_retryable), default_backoff_cap)->to ==
             work_status::canceled);
  BOOST_TEST(decide_completion(row, report(work_outcome::failed_permanent), default_backoff_cap)->to ==
             work_status::canceled);
  BOOST_TEST(decide_completion(row, report(work_outcome::canceled), default_backoff_cap)->to ==
             work_status::canceled);
}

// A success is decided by the claim alone, so it can be written before the row is read (ADR 71):
// the same transition decide_completion gives on any row the reporter holds, whatever its budget
// and cancel request; any other outcome needs the row.
BOOST_AUTO_TEST_CASE(a_success_is_decided_by_the_claim_alone_and_nothing_else_is) {
  auto done = report(work_outcome::completed);
  done.result_message = "built";
  const auto on_claim = decide_completion_on_claim(done);
  BOOST_REQUIRE(on_claim);
  for (const int retries : {0, 2, 5})
    for (const bool cancel : {false, true}) {
      const auto read = decide_completion(claimed_row(retries, 3, cancel), done, default_backoff_cap);
      BOOST_REQUIRE(read);
      BOOST_TEST(read->to == on_claim->to);
      BOOST_TEST(read->ends_item == on_claim->ends_item);
      BOOST_TEST((read->retry_count == on_claim->retry_count));
      BOOST_TEST(!read->retry_after);
      BOOST_TEST(read->failure_reason == on_claim->failure_reason);
      BOOST_TEST(read->result_message == on_claim->result_message);
    }
  BOOST_TEST(on_claim->to == work_status::completed);
  BOOST_TEST(on_claim->ends_item);
  BOOST_TEST(!on_claim->retry_count);  // kept
  BOOST_TEST(on_claim->result_message == "built");
  for (const auto o : {work_outcome::failed_retryable, work_outcome::failed_permanent, work_outcome::canceled})
    BOOST_TEST(!decide_completion_on_claim(report(o)));
}

BOOST_AUTO_TEST_CASE(stale_claim_cause_prefers_the_claim_timeout) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  BOOST_TEST((stale_claim_cause(now + 10s, now + 100s, now) == stale_cause::none));
  BOOST_TEST((stale_claim_cause(now - 1s, now + 100s, now) == stale_cause::lease_expired));
  BOOST_TEST((stale_claim_cause(now - 1s, now - 1s, now) == stale_cause::claim_timeout));
  BOOST_TEST((stale_claim_cause(now + 10s, now, now) == stale_cause::claim_timeout));
  BOOST_TEST((stale_claim_cause(std::nullopt, std::nullopt, now) == stale_cause::none));
  BOOST_TEST(stale_claim_message(stale_cause::lease_expired, 30, 3600).find("30 s lease") != std::string::npos);
  BOOST_TEST(stale_claim_message(stale_cause::claim_timeout, 30, 3600).find("3600") != std::string::npos);
  BOOST_TEST(agent_gone_message(std::chrono::seconds(3)).find("within the 3s grace period") != std::string::npos);
  BOOST_TEST(agent_gone_message(std::chrono::seconds(3)).find("heartbeat") == std::string::npos);
}
