// Races: 16 threads, each on its own connection, claim 2,000 items by id and by claim-next;
// then claims, completions and stale-claim expiry all at once; and heartbeat groups over the same
// claims in different orders. Every item is claimed exactly once per attempt and none is lost.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "persistence/connection.hpp"
#include "tests/integration/persistence/fixture.hpp"
#include "tests/support/process.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

constexpr int threads_n = 16;
constexpr int items_n = 2000;

struct race_fixture : db_fixture {
  std::vector<std::string> agent_ids;
  std::vector<std::string> item_ids;

  void populate(int max_retries = 3) {
    for (int i = 0; i < threads_n; ++i)
      agent_ids.push_back(test::make_agent(agents, {.labels = {"pool"}}).id);
    // Creating 2,000 items on 4 connections keeps set-up short.
    std::mutex m;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
      ts.emplace_back([&] {
        auto c = db.connect();
        ephemeral_work_repository repo{*c};
        for (int i = 0; i < items_n / 4; ++i) {
          auto w = test::make_work(repo, {.labels = {"pool"}, .max_retries = max_retries, .backoff_base_seconds = 1});
          std::lock_guard<std::mutex> g(m);
          item_ids.push_back(w.id);
        }
      });
    for (auto& t : ts) t.join();
    BOOST_REQUIRE_EQUAL(item_ids.size(), static_cast<size_t>(items_n));
  }

  // body(t, repository) on threads_n threads, each on its own connection; returns when all end.
  template <class Body>
  void on_every_thread(Body body) {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads_n; ++t)
      ts.emplace_back([&, t] {
        auto c = db.connect();
        ephemeral_work_repository repo{*c};
        body(t, repo);
      });
    for (auto& t : ts) t.join();
  }

  void check_claimed_once(const std::vector<std::vector<std::string>>& per_thread) const {
    std::multiset<std::string> all;
    for (const auto& v : per_thread) all.insert(v.begin(), v.end());
    BOOST_TEST(all.size() == static_cast<size_t>(items_n));
    BOOST_TEST(std::set<std::string>(all.begin(), all.end()).size() == static_cast<size_t>(items_n));
    BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'CLAIMED' AND attempt = 1") == items_n);
    BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE to_status = 'CLAIMED'") == items_n);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(concurrency, race_fixture)

BOOST_AUTO_TEST_CASE(claim_next_race_claims_every_item_exactly_once) {
  populate();
  std::vector<std::vector<std::string>> claimed(threads_n);
  on_every_thread([&](int t, ephemeral_work_repository& repo) {
    for (;;) {
      auto r = test::claim_one(repo, agent_ids[t]);
      if (!r || !r->has_value()) break;
      claimed[t].push_back((*r)->id);
    }
  });
  check_claimed_once(claimed);
  int busy = 0;
  for (const auto& v : claimed) busy += v.empty() ? 0 : 1;
  BOOST_TEST_MESSAGE("threads that claimed something: " << busy << "/" << threads_n);
}

// claim-next with a limit locks candidates one by one in priority order until it holds the limit
// (ADR 72): a batch skips what others hold and still never shares an item with another batch, and
// every batch comes back highest priority first, then oldest.
BOOST_AUTO_TEST_CASE(claim_next_race_in_batches_claims_every_item_exactly_once) {
  populate();
  db.exec("UPDATE ephemeral_work SET priority = abs(hashtext(id::text)) % 3");
  std::vector<std::vector<std::string>> claimed(threads_n);
  std::atomic<int> out_of_order{0}, batches{0}, errors{0};
  on_every_thread([&](int t, ephemeral_work_repository& repo) {
    for (;;) {
      auto r = repo.claim_next(agent_ids[t], {}, 1 + t % 7 * 5);  // limits 1, 6, 11, ... 31
      if (!r) {
        ++errors;  // Boost.Test's checks are not for worker threads
        break;
      }
      if (r->empty()) break;
      ++batches;
      for (size_t i = 1; i < r->size(); ++i) {
        const auto& a = (*r)[i - 1];
        const auto& b = (*r)[i];
        if (a.priority < b.priority || (a.priority == b.priority && a.created_at > b.created_at)) ++out_of_order;
      }
      for (const auto& w : *r) claimed[t].push_back(w.id);
    }
  });
  BOOST_TEST(errors.load() == 0);
  check_claimed_once(claimed);
  BOOST_TEST(out_of_order.load() == 0);
  BOOST_TEST_MESSAGE("batches: " << batches.load());
}

BOOST_AUTO_TEST_CASE(claim_by_id_race_claims_every_item_exactly_once) {
  populate();
  std::vector<std::vector<std::string>> claimed(threads_n);
  std::atomic<long> conflicts{0}, other_errors{0};
  on_every_thread([&](int t, ephemeral_work_repository& repo) {
    auto order = item_ids;
    std::shuffle(order.begin(), order.end(), std::mt19937(t));
    for (const auto& id : order) {
      auto r = repo.claim(id, agent_ids[t]);
      if (r) claimed[t].push_back(id);
      else if (r.error().code == db_errc::conflict) ++conflicts;
      else ++other_errors;
    }
  });
  check_claimed_once(claimed);
  BOOST_TEST(other_errors.load() == 0);
  BOOST_TEST(conflicts.load() == static_cast<long>(items_n) * (threads_n - 1));
}

BOOST_AUTO_TEST_CASE(claims_completions_and_expiry_together_lose_nothing) {
  populate(/*max_retries=*/100);
  work_queue_config fast;
  fast.backoff_cap = std::chrono::seconds(1);
  std::atomic<bool> done{false};
  std::atomic<long> completed_ok{0}, late_refused{0}, expired{0}, errors{0};
  std::vector<std::thread> ts;
  constexpr int claimers = 12, expirers = 4;
  for (int t = 0; t < claimers; ++t)
    ts.emplace_back([&, t] {
      auto c = db.connect();
      ephemeral_work_repository repo{*c, fast};
      std::mt19937 rng(1000 + t);
      while (!done) {
        auto r = test::claim_one(repo, agent_ids[t]);
        if (!r) { ++errors; continue; }
        if (!r->has_value()) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); continue; }
        const auto& w = **r;
        const int roll = static_cast<int>(rng() % 10);
        if (roll >= 8) continue;  // abandon: only the expirer can take it back
        completion_report p{.agent_id = w.claimed_by, .attempt = w.attempt,
                            .outcome = roll < 6 ? work_outcome::completed : work_outcome::failed_retryable,
                            .failure_reason = "GitError"};
        auto res = repo.complete(test::for_item(w.id, p));
        if (res && p.outcome == work_outcome::completed) ++completed_ok;
        else if (!res && res.error().code == db_errc::conflict) ++late_refused;
        else if (!res) ++errors;
      }
    });
  for (int t = 0; t < expirers; ++t)
    ts.emplace_back([&] {
      auto c = db.connect();
      ephemeral_work_repository repo{*c, fast};
      while (!done) {
        // Leases "run out" for a random third of the current claims.
        db.exec("UPDATE ephemeral_work SET lease_expires_at = now() - interval '1 second' WHERE id IN ("
                "SELECT id FROM ephemeral_work WHERE status = 'CLAIMED' AND random() < 0.3 FOR UPDATE SKIP LOCKED)");
        auto r = repo.expire_stale_claims(50);
        if (r) expired += static_cast<long>(r->expired.size());
        else ++errors;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (db.count("SELECT count(*) FROM ephemeral_work WHERE status <> 'COMPLETED'") > 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done = true;
  for (auto& t : ts) t.join();

  BOOST_TEST_MESSAGE("completed " << completed_ok << ", late reports refused " << late_refused
                                  << ", claims expired " << expired);
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'COMPLETED'") == items_n);
  BOOST_TEST(completed_ok.load() == items_n);  // exactly one accepted success per item
  BOOST_TEST(expired.load() > 0);
  // Every item completed once, on its last attempt, and its history explains every step.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE to_status = 'COMPLETED'") == items_n);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work w WHERE attempt <> "
                      "(SELECT count(*) FROM ephemeral_work_events e WHERE e.work_id = w.id AND e.to_status = 'CLAIMED')") == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE NOT ("
                      " (from_status IS NULL AND to_status = 'PENDING') OR"
                      " (from_status IN ('PENDING', 'FAILED_RETRYABLE') AND to_status = 'CLAIMED') OR"
                      " (from_status = 'CLAIMED' AND to_status IN ('COMPLETED', 'FAILED_RETRYABLE', 'FAILED_PERMANENT')))") == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work w WHERE retry_count <> "
                      "(SELECT count(*) FROM ephemeral_work_events e WHERE e.work_id = w.id AND e.to_status = 'FAILED_RETRYABLE')") == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_targets") == 0);
}

// Group commit of heartbeats: 8 threads send groups of 100 random current claims, each group in
// its own order, while 2 threads complete the claims. Nothing deadlocks (the statement locks in id
// order; a deadlock would be retried inside the repository, so PostgreSQL's own count is checked),
// every answer is a renewal or, for a completed item, a conflict, and no heartbeat writes an event.
BOOST_AUTO_TEST_CASE(heartbeat_groups_in_any_order_with_completions_neither_deadlock_nor_lose_anything) {
  populate();
  std::vector<heartbeat_request> claims;
  for (size_t t = 0;; t = (t + 1) % agent_ids.size()) {  // the agents take turns
    auto r = test::claim_one(work, agent_ids[t]);
    BOOST_REQUIRE(r);
    if (!r->has_value()) break;
    claims.push_back({(*r)->id, agent_ids[t], (*r)->attempt});
  }
  BOOST_REQUIRE_EQUAL(claims.size(), static_cast<size_t>(items_n));
  const auto deadlocks = [&] {
    db.exec("SELECT pg_stat_clear_snapshot()");
    return db.count("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
  };
  const auto deadlocks_before = deadlocks();
  std::atomic<long> renewed{0}, refused{0}, errors{0}, completed{0};
  std::atomic<int> beaters_left{8};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      auto c = db.connect();
      ephemeral_work_repository repo{*c};
      std::mt19937 rng(500 + t);
      for (int round = 0; round < 40; ++round) {
        std::vector<heartbeat_request> group;
        for (int k = 0; k < 100; ++k) group.push_back(claims[rng() % claims.size()]);
        std::shuffle(group.begin(), group.end(), rng);
        auto r = repo.heartbeat_many(group);
        if (!r) { ++errors; continue; }
        for (const auto& one : *r) {
          if (one) ++renewed;
          else if (one.error().code == db_errc::conflict) ++refused;
          else ++errors;
        }
      }
      --beaters_left;
    });
  for (int t = 0; t < 2; ++t)
    ts.emplace_back([&, t] {
      auto c = db.connect();
      ephemeral_work_repository repo{*c};
      // Each completer takes every other claim, and stops at the halfway mark while heartbeats run.
      for (size_t i = static_cast<size_t>(t); i < claims.size() / 2; i += 2) {
        const auto& q = claims[i];
        auto res = repo.complete(test::for_item(q.id, {.agent_id = q.agent_id, .attempt = q.attempt,
                                                       .outcome = work_outcome::completed}));
        if (res) ++completed;
        else ++errors;
      }
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(beaters_left.load() == 0);
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(renewed.load() + refused.load() == 8L * 40 * 100);
  BOOST_TEST(renewed.load() > 0);
  BOOST_TEST(completed.load() == static_cast<long>(items_n) / 2);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'COMPLETED'") == items_n / 2);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'CLAIMED' AND attempt = 1") == items_n / 2);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events") == items_n * 2 + items_n / 2);
  // PostgreSQL publishes its counters within a second or so of a transaction's end.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  BOOST_TEST(deadlocks() == deadlocks_before);
}

// A lone completion is decided on a read without a lock and written fenced by what it read (ADR
// 67). A cancel request that commits between the read and the write voids the decision: the report
// is judged again and the run ends CANCELED, as it would had the request come first.
BOOST_AUTO_TEST_CASE(a_cancel_request_between_a_completions_read_and_write_is_not_lost) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  BOOST_REQUIRE(c);
  auto other = db.connect();
  pqxx::work hold{other->raw()};
  hold.exec0("UPDATE ephemeral_work SET cancel_requested = true WHERE id = '" + w.id + "'");
  completion_report failed;
  failed.work_id = w.id;
  failed.agent_id = a.id;
  failed.attempt = c->attempt;
  failed.outcome = work_outcome::failed_retryable;
  failed.failure_reason = "GitError";
  std::optional<db_result<work_item>> done;
  std::thread reporter([&] { done = work.complete(failed); });
  // The report has read the item (no cancel request yet) and its write waits for the row.
  const bool waiting = test::eventually([&] {
    return db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1;
  }, std::chrono::seconds(10));
  hold.commit();
  reporter.join();
  BOOST_REQUIRE(waiting);
  BOOST_REQUIRE(done.has_value());
  BOOST_REQUIRE(done->has_value());
  BOOST_TEST((*done)->status == work_status::canceled);
  BOOST_TEST((*done)->retry_count == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + w.id +
                      "' AND from_status = 'CLAIMED' AND to_status <> 'CLAIMED'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
