// Each lifecycle rule of DESIGN.md section 4, against the real schema.
#include <pqxx/pqxx>

#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

completion_report report(const work_item& w, work_outcome o, std::string reason = "GitError") {
  completion_report p;
  p.agent_id = w.claimed_by;
  p.attempt = w.attempt;
  p.outcome = o;
  p.failure_reason = std::move(reason);
  p.result_message = "run ended";
  return p;
}

// How often this connection ran a prepared statement: PostgreSQL counts each execution's plan in
// the session's pg_prepared_statements (libpqxx prepares a statement on its first use only).
long long executions(brokkr::persistence::db_connection& conn, const std::string& statement) {
  pqxx::nontransaction n{conn.raw()};
  return n.exec_params1("SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
                        "WHERE name = $1",
                        statement)[0]
      .as<long long>();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(lifecycle, db_fixture)

BOOST_AUTO_TEST_CASE(create_stores_defaults_and_a_creation_event) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_TEST(w.status == work_status::pending);
  BOOST_TEST(w.attempt == 0);
  BOOST_TEST(w.max_retries == 3);
  BOOST_TEST(w.ttl_seconds == 3600);
  BOOST_TEST(w.claim_timeout_seconds == 3600);
  BOOST_TEST(w.backoff_base_seconds == 30);
  BOOST_TEST(w.target_agents == std::vector<std::string>{a.id});
  const auto ev = work.events(w.id, 0, 10);
  BOOST_REQUIRE_EQUAL(ev->size(), 1u);
  BOOST_TEST((*ev)[0].to_status == "PENDING");
  BOOST_TEST((*ev)[0].from_status.empty());
}

BOOST_AUTO_TEST_CASE(claim_sets_claimer_attempt_lease_and_deadline) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}, .claim_timeout_seconds = 600, .lease_seconds = 20});
  auto c = work.claim(w.id, a.id);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->status == work_status::claimed);
  BOOST_TEST(c->claimed_by == a.id);
  BOOST_TEST(c->attempt == 1);
  BOOST_REQUIRE(c->lease_expires_at && c->claim_deadline && c->claimed_at);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(*c->lease_expires_at - *c->claimed_at).count() == 20);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(*c->claim_deadline - *c->claimed_at).count() == 600);
  // A second claim of the same item is a conflict and changes nothing.
  auto again = work.claim(w.id, a.id);
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().code == db_errc::conflict);
  BOOST_TEST(work.get(w.id)->attempt == 1);
  BOOST_TEST(events_of(w.id) == 2);
}

BOOST_AUTO_TEST_CASE(claimable_states) {
  const auto a = test::make_agent(agents);
  // PENDING: claimable.
  const auto p = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_TEST(work.pending_for_agent(a.id, 10)->size() == 1u);
  auto c = work.claim(p.id, a.id);
  BOOST_REQUIRE(c);
  // CLAIMED: not.
  BOOST_TEST(work.pending_for_agent(a.id, 10)->empty());
  // FAILED_RETRYABLE before its backoff: not; after: claimable again.
  auto f = work.complete(test::for_item(p.id, report(*c, work_outcome::failed_retryable)));
  BOOST_REQUIRE(f);
  BOOST_TEST(f->status == work_status::failed_retryable);
  BOOST_TEST(work.pending_for_agent(a.id, 10)->empty());
  auto early = work.claim(p.id, a.id);
  BOOST_REQUIRE(!early);
  BOOST_TEST(early.error().code == db_errc::conflict);
  BOOST_TEST(early.error().message.find("backoff") != std::string::npos);
  BOOST_TEST(!test::claim_one(work, a.id)->has_value());
  make_retry_due(p.id);
  BOOST_TEST(work.pending_for_agent(a.id, 10)->size() == 1u);
  auto again = test::claim_one(work, a.id);
  BOOST_REQUIRE(again && again->has_value());
  BOOST_TEST((*again)->attempt == 2);
  // Terminal: never.
  BOOST_REQUIRE(work.complete(test::for_item(p.id, report(**again, work_outcome::completed))));
  BOOST_TEST(work.pending_for_agent(a.id, 10)->empty());
  auto late = work.claim(p.id, a.id);
  BOOST_REQUIRE(!late);
  BOOST_TEST(late.error().code == db_errc::conflict);
}

// Seed use case 2: "after backoff period, different agent claims". The agent whose attempt failed
// is held back while another ACTIVE target exists, and only for the hold.
BOOST_AUTO_TEST_CASE(a_retry_is_offered_to_another_target_first) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id, b.id}});
  auto first = work.claim(w.id, a.id);
  BOOST_REQUIRE(first);
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*first, work_outcome::failed_retryable))));
  make_retry_due(w.id);
  BOOST_TEST(work.pending_for_agent(a.id, 10)->empty());
  BOOST_TEST(!test::claim_one(work, a.id)->has_value());
  auto refused = work.claim(w.id, a.id);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().code == db_errc::conflict);
  BOOST_TEST(refused.error().message.find("offered to its other targets") != std::string::npos);
  BOOST_TEST(work.pending_for_agent(b.id, 10)->size() == 1u);
  auto retry = test::claim_one(work, b.id);
  BOOST_REQUIRE(retry && retry->has_value());
  BOOST_TEST((*retry)->claimed_by == b.id);
  BOOST_TEST((*retry)->attempt == 2);
  // Now b failed it: a gets the next retry, b waits.
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(**retry, work_outcome::failed_retryable))));
  make_retry_due(w.id);
  BOOST_TEST(!test::claim_one(work, b.id)->has_value());
  auto third = test::claim_one(work, a.id);
  BOOST_REQUIRE(third && third->has_value());
  BOOST_TEST((*third)->attempt == 3);
}

BOOST_AUTO_TEST_CASE(the_retry_hold_ends_and_needs_another_active_target) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id, b.id}, .max_retries = 10});
  auto fail_on_a = [&] {
    auto c = work.claim(w.id, a.id);
    BOOST_REQUIRE(c);
    BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*c, work_outcome::failed_retryable))));
  };
  // The hold (30 s by default) has passed: a may take its retry back.
  fail_on_a();
  db.exec("UPDATE ephemeral_work SET next_retry_after = now() - interval '31 seconds' WHERE id = '" + w.id + "'");
  BOOST_TEST(work.claim(w.id, a.id).has_value());
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*work.get(w.id), work_outcome::failed_retryable))));
  // The other target is INACTIVE: nobody else could take it, so a is not held.
  make_retry_due(w.id);
  BOOST_REQUIRE(agents.set_status(b.id, agent_status::inactive));
  BOOST_TEST(work.claim(w.id, a.id).has_value());
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*work.get(w.id), work_outcome::failed_retryable))));
  // A queue configured without the preference never holds.
  BOOST_REQUIRE(agents.set_status(b.id, agent_status::active));
  make_retry_due(w.id);
  BOOST_TEST(!test::claim_one(work, a.id)->has_value());
  work_queue_config no_hold;
  no_hold.retry_elsewhere_for = std::chrono::seconds(0);
  ephemeral_work_repository plain{*conn, no_hold};
  BOOST_TEST(plain.pending_for_agent(a.id, 10)->size() == 1u);
  auto c = test::claim_one(plain, a.id);
  BOOST_REQUIRE(c && c->has_value());
  BOOST_TEST((*c)->claimed_by == a.id);
}

BOOST_AUTO_TEST_CASE(backoff_delays_for_retries_one_to_five_and_the_cap) {
  const auto a = test::make_agent(agents);
  work_queue_config cfg;
  cfg.backoff_cap = std::chrono::seconds(400);  // retry 5 would be 480
  ephemeral_work_repository capped{*conn, cfg};
  const auto w = test::make_work(capped, {.agent_ids = {a.id}, .max_retries = 10, .backoff_base_seconds = 30});
  const int expected[] = {30, 60, 120, 240, 400};
  for (int retry = 1; retry <= 5; ++retry) {
    auto c = test::claim_one(capped, a.id);
    BOOST_REQUIRE(c && c->has_value());
    auto f = capped.complete(test::for_item(w.id, report(**c, work_outcome::failed_retryable)));
    BOOST_REQUIRE(f);
    BOOST_TEST(f->retry_count == retry);
    // The delay as PostgreSQL stored it: next_retry_after - the transition's now().
    const auto delay = db.count("SELECT extract(epoch FROM next_retry_after - updated_at)::bigint "
                                "FROM ephemeral_work WHERE id = '" + w.id + "'");
    BOOST_TEST(delay == expected[retry - 1]);
    make_retry_due(w.id);
  }
}

BOOST_AUTO_TEST_CASE(max_retries_three_means_at_most_four_runs) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}, .max_retries = 3});
  int runs = 0;
  for (;;) {
    auto c = test::claim_one(work, a.id);
    BOOST_REQUIRE(c);
    if (!c->has_value()) break;
    ++runs;
    auto f = work.complete(test::for_item(w.id, report(**c, work_outcome::failed_retryable)));
    BOOST_REQUIRE(f);
    if (f->status == work_status::failed_permanent) break;
    make_retry_due(w.id);
    BOOST_REQUIRE(runs < 10);
  }
  BOOST_TEST(runs == 4);
  const auto final_state = work.get(w.id);
  BOOST_TEST(final_state->status == work_status::failed_permanent);
  BOOST_TEST(final_state->failure_reason == "RetriesExhausted");
  BOOST_TEST(final_state->retry_count == 4);
  BOOST_TEST(final_state->completed_at.has_value());
  BOOST_TEST(final_state->target_agents.empty());  // a finished item holds no target rows
}

BOOST_AUTO_TEST_CASE(stale_lease_counts_as_a_retry_with_reason_claim_expired) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  BOOST_REQUIRE(c);
  BOOST_TEST(work.expire_stale_claims(100)->expired.empty());  // lease still valid
  expire_lease(w.id);
  const auto r = work.expire_stale_claims(100);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
  BOOST_REQUIRE_EQUAL(r->expired.size(), 1u);
  const auto& e = r->expired[0];
  BOOST_TEST(e.status == work_status::failed_retryable);
  BOOST_TEST(e.failure_reason == "ClaimExpired");
  BOOST_TEST(e.retry_count == 1);
  BOOST_TEST(e.result_message.find("no heartbeat") != std::string::npos);
  BOOST_TEST(!e.lease_expires_at.has_value());
  const auto ev = work.events(w.id, 0, 10);
  BOOST_TEST(ev->back().reason == "ClaimExpired");
  BOOST_TEST(ev->back().from_status == "CLAIMED");
}

BOOST_AUTO_TEST_CASE(claim_timeout_counts_as_a_retry_even_with_a_live_lease) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  BOOST_REQUIRE(c);
  BOOST_REQUIRE(work.heartbeat(w.id, a.id, c->attempt));
  pass_claim_deadline(w.id);
  const auto r = work.expire_stale_claims(100);
  BOOST_REQUIRE_EQUAL(r->expired.size(), 1u);
  BOOST_TEST(r->expired[0].failure_reason == "ClaimExpired");
  BOOST_TEST(r->expired[0].result_message.find("claim_timeout_seconds") != std::string::npos);
  BOOST_TEST(r->expired[0].retry_count == 1);
}

BOOST_AUTO_TEST_CASE(expiry_of_a_poison_item_ends_permanent_after_its_budget) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}, .max_retries = 1});
  for (int run = 0; run < 2; ++run) {
    make_retry_due(w.id);
    BOOST_REQUIRE(work.claim(w.id, a.id));
    expire_lease(w.id);
    BOOST_REQUIRE_EQUAL(work.expire_stale_claims(10)->expired.size(), 1u);
  }
  BOOST_TEST(work.get(w.id)->status == work_status::failed_permanent);
  BOOST_TEST(work.get(w.id)->failure_reason == "RetriesExhausted");
}

BOOST_AUTO_TEST_CASE(late_completion_with_an_old_attempt_is_refused_and_changes_nothing) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id, b.id}});
  const auto first = work.claim(w.id, a.id);
  BOOST_REQUIRE(first);
  expire_lease(w.id);
  BOOST_REQUIRE_EQUAL(work.expire_stale_claims(10)->expired.size(), 1u);
  make_retry_due(w.id);
  const auto second = work.claim(w.id, b.id);
  BOOST_REQUIRE(second);
  BOOST_TEST(second->attempt == 2);

  const auto before = db.scalar("SELECT row_to_json(w)::text FROM ephemeral_work w WHERE id = '" + w.id + "'");
  const auto events_before = events_of(w.id);
  auto late = work.complete(test::for_item(w.id, report(*first, work_outcome::completed)));
  BOOST_REQUIRE(!late);
  BOOST_TEST(late.error().code == db_errc::conflict);
  BOOST_TEST(late.error().message.find("stale") != std::string::npos);
  // The right attempt from the wrong agent is refused as well.
  auto wrong = report(*second, work_outcome::completed);
  wrong.agent_id = a.id;
  BOOST_TEST(work.complete(test::for_item(w.id, wrong)).error().code == db_errc::forbidden);
  BOOST_TEST(!work.heartbeat(w.id, a.id, first->attempt));
  BOOST_TEST(db.scalar("SELECT row_to_json(w)::text FROM ephemeral_work w WHERE id = '" + w.id + "'") == before);
  BOOST_TEST(events_of(w.id) == events_before);
  // The current claimer still completes.
  auto done = work.complete(test::for_item(w.id, report(*second, work_outcome::completed)));
  BOOST_REQUIRE(done);
  BOOST_TEST(done->status == work_status::completed);
}

// A success is written on the reporter's claim before the row is read (ADR 71): the fence is the
// whole claim (status, attempt and claimer, as above), and what the write does not read it keeps.
BOOST_AUTO_TEST_CASE(a_success_written_on_the_claim_keeps_the_retry_count_and_wins_over_a_cancel_request) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}, .max_retries = 3});
  const auto first = work.claim(w.id, a.id);
  BOOST_REQUIRE(first);
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*first, work_outcome::failed_retryable))));
  make_retry_due(w.id);
  const auto second = work.claim(w.id, a.id);
  BOOST_REQUIRE(second);
  BOOST_TEST(second->retry_count == 1);
  const auto cancel = work.cancel(w.id);
  BOOST_REQUIRE(cancel);
  BOOST_TEST(cancel->item.cancel_requested);
  auto ok = report(*second, work_outcome::completed, "");
  ok.result_message = "built";
  const auto reads = executions(*conn, "ephemeral_work_completion_inputs");
  const auto writes = executions(*conn, "ephemeral_work_apply_transitions");
  BOOST_TEST(reads == 1);  // the retryable failure above was decided on the row it read
  BOOST_TEST(writes == 1);
  const auto done = work.complete(test::for_item(w.id, ok));
  BOOST_REQUIRE(done);
  // One statement: the fenced write, and no read of the row.
  BOOST_TEST(executions(*conn, "ephemeral_work_completion_inputs") == reads);
  BOOST_TEST(executions(*conn, "ephemeral_work_apply_transitions") == writes + 1);
  BOOST_TEST(done->status == work_status::completed);
  BOOST_TEST(done->retry_count == 1);
  BOOST_TEST(done->attempt == 2);
  BOOST_TEST(done->result_message == "built");
  BOOST_TEST(done->failure_reason.empty());
  BOOST_TEST(done->completed_at.has_value());
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE id = '" + w.id +
                      "' AND lease_expires_at IS NULL AND claim_deadline IS NULL AND next_retry_after IS NULL") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + w.id +
                      "' AND from_status = 'CLAIMED' AND to_status = 'COMPLETED' AND attempt = 2 AND retry_count = 1") == 1);
  // Reported again, it is refused on the row as it now is.
  const auto again = work.complete(test::for_item(w.id, ok));
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().code == db_errc::conflict);
  BOOST_TEST(again.error().message.find("not claimed") != std::string::npos);
  // The refused write, then the read that names the refusal.
  BOOST_TEST(executions(*conn, "ephemeral_work_completion_inputs") == reads + 1);
  BOOST_TEST(executions(*conn, "ephemeral_work_apply_transitions") == writes + 2);
}

BOOST_AUTO_TEST_CASE(completion_stores_result_and_details) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  auto p = report(*c, work_outcome::completed, "");
  p.result_details = R"({"digest":"sha256:ab12","size":42})";
  auto done = work.complete(test::for_item(w.id, p));
  BOOST_REQUIRE(done);
  BOOST_TEST(done->result_details == p.result_details);
  BOOST_TEST(done->result_message == "run ended");
  BOOST_TEST(done->completed_at.has_value());
  BOOST_TEST(done->failure_reason.empty());
}

// Ids are UUIDs, not strings: a report naming the item and its claimer in upper case is the same
// report (every other statement already casts; the batch matches its rows back by id).
BOOST_AUTO_TEST_CASE(a_completion_in_upper_case_is_the_same_completion) {
  const auto upper = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  const auto a = test::make_agent(agents);
  const auto w1 = test::make_work(work, {.agent_ids = {a.id}});
  const auto w2 = test::make_work(work, {.agent_ids = {a.id}});
  const auto c1 = work.claim(w1.id, a.id);
  const auto c2 = work.claim(w2.id, a.id);
  BOOST_REQUIRE(c1 && c2);
  auto alone = report(*c1, work_outcome::completed, "");
  alone.agent_id = upper(a.id);
  auto done = work.complete(test::for_item(upper(w1.id), alone));
  BOOST_REQUIRE(done);
  BOOST_TEST(done->id == w1.id);
  BOOST_TEST(done->status == work_status::completed);
  // In one batch, the same item in two spellings is one item reported twice.
  auto first = test::for_item(upper(w2.id), report(*c2, work_outcome::failed_retryable));
  auto again = test::for_item(w2.id, report(*c2, work_outcome::completed, ""));
  auto r = work.complete_many({first, again});
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->size(), 2u);
  BOOST_TEST(!(*r)[0].error);
  BOOST_TEST((*r)[0].work_id == upper(w2.id));  // answered as asked
  BOOST_TEST((*r)[0].item.status == work_status::failed_retryable);
  BOOST_REQUIRE((*r)[1].error);
  BOOST_TEST((*r)[1].error->code == db_errc::conflict);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + w2.id +
                      "' AND from_status = 'CLAIMED'") == 1);
}

BOOST_AUTO_TEST_CASE(permanent_failure_is_terminal_at_once) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  auto f = work.complete(test::for_item(w.id, report(*c, work_outcome::failed_permanent, "GitRevisionNotFound")));
  BOOST_REQUIRE(f);
  BOOST_TEST(f->status == work_status::failed_permanent);
  BOOST_TEST(f->failure_reason == "GitRevisionNotFound");
  BOOST_TEST(f->retry_count == 0);
}

BOOST_AUTO_TEST_CASE(heartbeat_renews_the_lease_and_reports_cancel) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  expire_lease(w.id);
  auto hb = work.heartbeat(w.id, a.id, c->attempt);
  BOOST_REQUIRE(hb);
  BOOST_TEST(!hb->cancel_requested);
  BOOST_TEST(work.expire_stale_claims(10)->expired.empty());  // renewed
  BOOST_TEST(agents.get(a.id)->last_heartbeat_at.has_value());
  BOOST_REQUIRE(work.cancel(w.id));
  BOOST_TEST(work.heartbeat(w.id, a.id, c->attempt)->cancel_requested);
  auto stale = work.heartbeat(w.id, a.id, c->attempt + 1);
  BOOST_REQUIRE(!stale);
  BOOST_TEST(stale.error().code == db_errc::conflict);
}

// The group commit's statement: every request gets heartbeat()'s own answer, in order, from one
// write; a refused request renews nothing and holds back none of the others.
BOOST_AUTO_TEST_CASE(many_heartbeats_in_one_statement_answer_each_as_one_would) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  const auto w1 = test::make_work(work, {.agent_ids = {a.id}});
  const auto w2 = test::make_work(work, {.agent_ids = {b.id}});
  const auto w3 = test::make_work(work, {.agent_ids = {a.id}});
  const auto done = test::make_work(work, {.agent_ids = {a.id}});
  const auto c1 = work.claim(w1.id, a.id);
  const auto c2 = work.claim(w2.id, b.id);
  const auto c3 = work.claim(w3.id, a.id);
  const auto cd = work.claim(done.id, a.id);
  BOOST_REQUIRE(c1 && c2 && c3 && cd);
  BOOST_REQUIRE(work.complete(test::for_item(done.id, report(*cd, work_outcome::completed))));
  BOOST_REQUIRE(work.cancel(w3.id));
  for (const auto* id : {&w1.id, &w2.id, &w3.id}) expire_lease(*id);
  auto upper = w1.id;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto r = work.heartbeat_many({{w1.id, a.id, c1->attempt},
                                {w2.id, a.id, c2->attempt},          // not b's claimer
                                {w2.id, b.id, c2->attempt},
                                {w3.id, a.id, c3->attempt},          // cancel requested
                                {w1.id, a.id, c1->attempt + 1},      // a stale attempt
                                {done.id, a.id, cd->attempt},        // finished
                                {"00000000-0000-0000-0000-000000000000", a.id, 1},
                                {"not-a-uuid", a.id, 1},
                                {upper, a.id, c1->attempt}});        // the same claim again, upper case
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->size(), 9u);
  const auto& got = *r;
  BOOST_TEST(got[0].has_value());
  BOOST_TEST(!got[0]->cancel_requested);
  BOOST_TEST((!got[1] && got[1].error().code == db_errc::conflict));
  BOOST_TEST(got[2].has_value());
  BOOST_TEST((got[3] && got[3]->cancel_requested));
  BOOST_TEST((!got[4] && got[4].error().code == db_errc::conflict));
  BOOST_TEST((!got[5] && got[5].error().code == db_errc::conflict));
  // The refusals say what the item is now, read for all of them at once.
  BOOST_TEST(got[5].error().message.find("(item is COMPLETED, attempt " + std::to_string(cd->attempt) + ")") !=
             std::string::npos);
  BOOST_TEST(got[4].error().message.find("(item is CLAIMED, attempt " + std::to_string(c1->attempt) + ")") !=
             std::string::npos);
  BOOST_TEST((!got[6] && got[6].error().code == db_errc::not_found));
  BOOST_TEST((!got[7] && got[7].error().code == db_errc::not_found));
  BOOST_TEST(got[8].has_value());
  // The three current claims were renewed (none expires now), and both claimers were seen.
  BOOST_TEST(work.expire_stale_claims(10)->expired.empty());
  BOOST_TEST(agents.get(a.id)->last_heartbeat_at.has_value());
  BOOST_TEST(agents.get(b.id)->last_heartbeat_at.has_value());
  // Renewing writes no event: heartbeats are not transitions.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + w1.id + "'") == 2);
}

BOOST_AUTO_TEST_CASE(cancel_of_pending_work_is_immediate) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  auto r = work.cancel(w.id);
  BOOST_REQUIRE(r);
  BOOST_TEST((r->action == cancel_action::canceled));
  BOOST_TEST(r->item.status == work_status::canceled);
  BOOST_TEST(r->item.completed_at.has_value());
  BOOST_TEST(!work.claim(w.id, a.id));
  BOOST_TEST(work.events(w.id, 0, 10)->back().to_status == "CANCELED");
}

BOOST_AUTO_TEST_CASE(cancel_of_claimed_work_waits_for_the_claimer) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  auto r = work.cancel(w.id);
  BOOST_REQUIRE(r);
  BOOST_TEST((r->action == cancel_action::cancel_requested));
  BOOST_TEST(r->item.status == work_status::claimed);
  BOOST_TEST(r->item.cancel_requested);
  BOOST_TEST(work.events(w.id, 0, 10)->back().message == "cancel requested");
  // Asking twice changes nothing more.
  const auto events_before = events_of(w.id);
  BOOST_REQUIRE(work.cancel(w.id));
  BOOST_TEST(events_of(w.id) == events_before);
  auto done = work.complete(test::for_item(w.id, report(*c, work_outcome::canceled, "")));
  BOOST_REQUIRE(done);
  BOOST_TEST(done->status == work_status::canceled);
  // DELETE of a finished item removes it from view.
  auto del = work.cancel(w.id);
  BOOST_REQUIRE(del);
  BOOST_TEST((del->action == cancel_action::deleted));
  BOOST_TEST(work.get(w.id).error().code == db_errc::not_found);
}

BOOST_AUTO_TEST_CASE(canceled_claim_whose_agent_vanished_ends_canceled_on_expiry) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_REQUIRE(work.claim(w.id, a.id));
  BOOST_REQUIRE(work.cancel(w.id));
  auto r = work.expire_agent_claims(a.id, std::chrono::seconds(3));
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->expired.size(), 1u);
  BOOST_TEST(r->expired[0].status == work_status::canceled);
  BOOST_TEST(r->expired[0].retry_count == 0);
}

// The transition's fence compares the claimer as decided on, NULL included: a claim whose agent row
// is gone (claimed_by set NULL) still expires.
BOOST_AUTO_TEST_CASE(a_claim_whose_agent_row_was_deleted_still_expires) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_REQUIRE(work.claim(w.id, a.id));
  db.exec("DELETE FROM agents WHERE id = '" + a.id + "'");
  BOOST_REQUIRE(db.count("SELECT count(*) FROM ephemeral_work WHERE claimed_by IS NULL AND status = 'CLAIMED'") == 1);
  expire_lease(w.id);
  const auto r = work.expire_stale_claims(10);
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->expired.size(), 1u);
  BOOST_TEST(r->expired[0].status == work_status::failed_retryable);
  BOOST_TEST(r->expired[0].retry_count == 1);
}

BOOST_AUTO_TEST_CASE(expire_agent_claims_takes_back_only_that_agents_claims) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  const auto wa = test::make_work(work, {.agent_ids = {a.id}});
  const auto wb = test::make_work(work, {.agent_ids = {b.id}});
  BOOST_REQUIRE(work.claim(wa.id, a.id));
  BOOST_REQUIRE(work.claim(wb.id, b.id));
  auto r = work.expire_agent_claims(a.id, std::chrono::seconds(4));
  BOOST_REQUIRE_EQUAL(r->expired.size(), 1u);
  BOOST_TEST(r->expired[0].id == wa.id);
  BOOST_TEST(r->expired[0].failure_reason == "ClaimExpired");
  // Its lease was cut short, so the message names the session, not a missed heartbeat.
  BOOST_TEST(r->expired[0].result_message == agent_gone_message(std::chrono::seconds(4)));
  BOOST_TEST(work.get(wa.id)->result_message.find("within the 4s grace period") != std::string::npos);
  BOOST_TEST(work.get(wb.id)->status == work_status::claimed);
}

BOOST_AUTO_TEST_CASE(ttl_soft_delete_then_purge) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}, .ttl_seconds = 3600});
  const auto live = test::make_work(work, {.agent_ids = {a.id}, .ttl_seconds = 1});
  const auto c = work.claim(w.id, a.id);
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*c, work_outcome::completed))));
  BOOST_TEST(work.soft_delete_expired(100)->empty());  // not yet past its TTL
  // An hour and a bit passes (the trigger recomputes soft_delete_after from completed_at).
  db.exec("UPDATE ephemeral_work SET completed_at = completed_at - interval '3601 seconds' WHERE id = '" + w.id + "'");
  const auto deleted = work.soft_delete_expired(100);
  BOOST_REQUIRE(deleted);
  BOOST_TEST(*deleted == std::vector<std::string>{w.id});  // never the non-terminal item
  BOOST_TEST(work.get(w.id).error().code == db_errc::not_found);
  BOOST_TEST(work.get(live.id)->status == work_status::pending);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE id = '" + w.id + "'") == 1);  // still stored
  BOOST_TEST(work.purge_deleted(std::chrono::seconds(3600), 100)->empty());  // retention not over
  db.exec("UPDATE ephemeral_work SET deleted_at = deleted_at - interval '2 hours' WHERE id = '" + w.id + "'");
  const auto purged = work.purge_deleted(std::chrono::seconds(3600), 100);
  BOOST_TEST(*purged == std::vector<std::string>{w.id});
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE id = '" + w.id + "'") == 0);
  BOOST_TEST(events_of(w.id) == 0);  // history goes with the row
  BOOST_TEST(events_of(live.id) == 1);  // and only that row's
}

// Events have no foreign key to their item (migration 0018, ADR 74): a statement trigger removes
// the history of whatever a statement deletes, so a delete that is not our purge (a broker of the
// previous release, an operator) leaves no orphans either, one statement deleting many items
// removes all their events, and a TRUNCATE empties them.
BOOST_AUTO_TEST_CASE(any_delete_of_items_takes_their_events) {
  const auto a = test::make_agent(agents);
  const auto gone1 = test::make_work(work, {.agent_ids = {a.id}});
  const auto gone2 = test::make_work(work, {.agent_ids = {a.id}});
  const auto kept = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(gone1.id, a.id);
  BOOST_REQUIRE(work.complete(test::for_item(gone1.id, report(*c, work_outcome::completed))));
  BOOST_REQUIRE(events_of(gone1.id) == 3);
  db.exec("DELETE FROM ephemeral_work WHERE id IN ('" + gone1.id + "', '" + gone2.id + "')");
  BOOST_TEST(events_of(gone1.id) == 0);
  BOOST_TEST(events_of(gone2.id) == 0);
  BOOST_TEST(events_of(kept.id) == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events e WHERE NOT EXISTS "
                      "(SELECT 1 FROM ephemeral_work w WHERE w.id = e.work_id)") == 0);
  db.exec("TRUNCATE ephemeral_work CASCADE");  // fires no delete trigger; its own empties the events
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events") == 0);
}

BOOST_AUTO_TEST_CASE(idempotency_key_returns_the_existing_item) {
  const auto a = test::make_agent(agents);
  auto first = work.create(test::make_request({.agent_ids = {a.id}, .idempotency_key = "build-42"}));
  BOOST_REQUIRE(first);
  BOOST_TEST(first->created);
  auto second = work.create(test::make_request({.agent_ids = {a.id}, .idempotency_key = "build-42"}));
  BOOST_REQUIRE(second);
  BOOST_TEST(!second->created);
  BOOST_TEST(second->item.id == first->item.id);
  // The first answer's targets are built from the submit's input (migration 0015), the second's
  // read from the tables: the same.
  BOOST_TEST(second->item.targets.agent_ids == first->item.targets.agent_ids);
  BOOST_TEST(second->item.target_agents == first->item.target_agents);
  BOOST_TEST(second->item.target_agents == std::vector<std::string>{a.id});
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 1);
  // Once the holder is gone from view the key is free again.
  BOOST_REQUIRE(work.cancel(first->item.id));
  BOOST_REQUIRE(work.cancel(first->item.id));  // deletes the canceled item
  auto third = work.create(test::make_request({.agent_ids = {a.id}, .idempotency_key = "build-42"}));
  BOOST_TEST(third->created);
  BOOST_TEST(third->item.id != first->item.id);
}

BOOST_AUTO_TEST_CASE(claim_next_takes_priority_then_age) {
  const auto a = test::make_agent(agents);
  const auto old_low = test::make_work(work, {.agent_ids = {a.id}, .priority = 0});
  const auto high = test::make_work(work, {.agent_ids = {a.id}, .priority = 10});
  const auto new_low = test::make_work(work, {.agent_ids = {a.id}, .priority = 0});
  BOOST_TEST((*test::claim_one(work, a.id))->id == high.id);
  BOOST_TEST((*test::claim_one(work, a.id))->id == old_low.id);
  BOOST_TEST((*test::claim_one(work, a.id))->id == new_low.id);
  BOOST_TEST(!test::claim_one(work, a.id)->has_value());
}

// A limit takes the first items in claim order (highest priority, then oldest), and the batch
// comes back in that order, not in the order the items were submitted.
BOOST_AUTO_TEST_CASE(a_claimed_batch_is_the_head_of_the_claim_order_in_that_order) {
  const auto a = test::make_agent(agents);
  const auto old_low = test::make_work(work, {.agent_ids = {a.id}, .priority = 0});
  const auto high = test::make_work(work, {.agent_ids = {a.id}, .priority = 10});
  const auto new_low = test::make_work(work, {.agent_ids = {a.id}, .priority = 0});
  const auto middle = test::make_work(work, {.agent_ids = {a.id}, .priority = 5});
  auto ids = [&](int limit) {
    const auto batch = work.claim_next(a.id, {}, limit);
    BOOST_REQUIRE(batch);
    std::vector<std::string> out;
    for (const auto& w : *batch) out.push_back(w.id);
    return out;
  };
  const std::vector<std::string> first{high.id, middle.id}, rest{old_low.id, new_low.id};
  BOOST_TEST(ids(2) == first, boost::test_tools::per_element());
  BOOST_TEST(ids(10) == rest, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(claim_next_honours_the_agents_work_types) {
  const auto a = test::make_agent(agents);
  const auto build = test::make_work(work, {.agent_ids = {a.id}});
  const auto apply = test::make_work(work, {.agent_ids = {a.id}, .work_type = "kubernetes-apply"});
  BOOST_TEST((*test::claim_one(work, a.id, {"kubernetes-apply"}))->id == apply.id);
  BOOST_TEST(!test::claim_one(work, a.id, {"kubernetes-apply"})->has_value());
  BOOST_TEST((*test::claim_one(work, a.id, {}))->id == build.id);
}

BOOST_AUTO_TEST_CASE(list_filters_and_pages) {
  const auto a = test::make_agent(agents);
  const auto b = test::make_agent(agents);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(test::make_work(work, {.agent_ids = {a.id}}).id);
  const auto other = test::make_work(work, {.agent_ids = {b.id}, .work_type = "kubernetes-apply"});
  BOOST_REQUIRE(work.claim(ids[0], a.id));

  std::vector<std::string> seen;
  work_list_params p{.agent_id = a.id, .limit = 2};
  for (int page = 0; page < 5; ++page) {
    auto r = work.list(p);
    BOOST_REQUIRE(r);
    for (auto& w : r->items) seen.push_back(w.id);
    if (r->next.empty()) break;
    p.after = r->next;
  }
  BOOST_TEST(seen.size() == 5u);  // newest first, no duplicates, none of b's
  BOOST_TEST(seen.front() == ids.back());
  BOOST_TEST(work.list({.statuses = {work_status::claimed}})->items.size() == 1u);
  BOOST_TEST(work.list({.work_type = "kubernetes-apply"})->items.at(0).id == other.id);
  BOOST_TEST(work.list({.agent_id = "nope"}).error().code == db_errc::invalid_argument);
  // A cursor that names no row (purged) is an error, not an empty last page.
  const auto unknown = work.list({.after = "00000000-0000-4000-8000-000000000000"});
  BOOST_REQUIRE(!unknown);
  BOOST_TEST(unknown.error().code == db_errc::invalid_argument);
  BOOST_TEST(unknown.error().field == "cursor");
}

BOOST_AUTO_TEST_CASE(every_transition_writes_one_event) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  auto c = work.claim(w.id, a.id);                                              // 2
  BOOST_REQUIRE(work.heartbeat(w.id, a.id, c->attempt));                        // not a transition
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*c, work_outcome::failed_retryable))));  // 3
  make_retry_due(w.id);
  c = work.claim(w.id, a.id);                                                   // 4
  BOOST_REQUIRE(work.complete(test::for_item(w.id, report(*c, work_outcome::completed))));      // 5
  const auto ev = work.events(w.id, 0, 100);
  BOOST_REQUIRE_EQUAL(ev->size(), 5u);
  const char* expected[] = {"PENDING", "CLAIMED", "FAILED_RETRYABLE", "CLAIMED", "COMPLETED"};
  for (size_t i = 0; i < 5; ++i) BOOST_TEST((*ev)[i].to_status == expected[i]);
  BOOST_TEST((*ev)[2].reason == "GitError");
  BOOST_TEST((*ev)[3].attempt == 2);
  BOOST_TEST((*ev)[4].agent_id == a.id);
  BOOST_TEST(work.events(w.id, (*ev)[2].id, 100)->size() == 2u);  // "after" cursor
}

BOOST_AUTO_TEST_CASE(live_timings_and_counts) {
  const auto a = test::make_agent(agents);
  const auto w1 = test::make_work(work, {.agent_ids = {a.id}});
  const auto w2 = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_REQUIRE(work.cancel(w2.id));
  const auto live = work.live_timings("", 100);
  BOOST_REQUIRE(live.has_value());
  BOOST_REQUIRE(live->size() == 1u);
  // A page's row is what timing() reads for the one item.
  const auto one = work.timing(w1.id);
  BOOST_TEST((*live)[0].id == w1.id);
  BOOST_TEST((*live)[0].target_agents == std::vector<std::string>{a.id});
  BOOST_TEST((*live)[0].last_event_id == one->last_event_id);
  BOOST_TEST((*live)[0].status == one->status);
  BOOST_TEST(work.live_timings(w1.id, 100)->empty());  // keyset: after the last id, nothing
  const auto counts = work.count_by_status();
  BOOST_TEST(counts->at(work_status::pending) == 1);
  BOOST_TEST(counts->at(work_status::canceled) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
