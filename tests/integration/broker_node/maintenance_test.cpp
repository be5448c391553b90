// The maintenance duties' run_once against the real schema (STYLE.md 5.7: defaults, validation, runs).
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <atomic>
#include <thread>

#include "broker_node/maintenance/claim_expirer.hpp"
#include "broker_node/maintenance/soft_delete_purger.hpp"
#include "broker_node/maintenance/ttl_soft_deleter.hpp"
#include "persistence/persistence_actor.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using namespace brokkr::broker;

namespace {

// n items that ended at once (canceled before a claim) with a TTL of 0: due for the TTL sweep.
void make_finished_items(persistence::repositories& r, int n) {
  const auto a = test::make_agent(r.agents);
  for (int i = 0; i < n; ++i) BOOST_REQUIRE(r.work.cancel(test::make_work(r.work, {.agent_ids = {a.id}, .ttl_seconds = 0}).id));
}

}  // namespace

BOOST_AUTO_TEST_CASE(duty_configs_have_defaults_and_validate) {
  BOOST_TEST(static_cast<bool>(validate(claim_expirer_config{})));
  BOOST_TEST(static_cast<bool>(validate(ttl_soft_deleter_config{})));
  BOOST_TEST(static_cast<bool>(validate(soft_delete_purger_config{})));
  BOOST_TEST(!validate(claim_expirer_config{.interval = std::chrono::milliseconds(1)}));
  BOOST_TEST(!validate(claim_expirer_config{.batch = 0}));
  BOOST_TEST(!validate(ttl_soft_deleter_config{.batch = 100000}));
  BOOST_TEST(!validate(soft_delete_purger_config{.retention = std::chrono::seconds(-1)}));
  // Without a batch a run would report nothing done and nothing left (ADR 0078).
  BOOST_TEST(!validate(ttl_soft_deleter_config{.max_batches = 0}));
  BOOST_TEST(!validate(soft_delete_purger_config{.max_batches = 0}));
  BOOST_TEST(claim_expirer_config{}.interval == claim_expirer_interval_default);
}

BOOST_AUTO_TEST_CASE(claim_expirer_counts_by_result_across_batches) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  const auto a = test::make_agent(r.agents);
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(test::make_work(r.work, {.agent_ids = {a.id}, .max_retries = i < 5 ? 3 : 0}).id);
  for (const auto& id : ids) BOOST_REQUIRE(r.work.claim(id, a.id));
  BOOST_REQUIRE(r.work.cancel(ids[0]));  // cancel pending on a claimed item
  BOOST_TEST(run_once(r, claim_expirer_config{})->retry == 0u);  // nothing stale yet
  db.exec("UPDATE ephemeral_work SET lease_expires_at = now() - interval '1 second'");
  // One batch of two: the budget ran out on a full batch, so the run says more may be due (ADR 0078).
  const auto first = run_once(r, claim_expirer_config{.batch = 2, .max_batches = 1});
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->retry + first->permanent + first->canceled == 2u);
  BOOST_TEST(first->more);
  const auto res = run_once(r, claim_expirer_config{.batch = 2, .max_batches = 10});
  BOOST_REQUIRE(res.has_value());
  BOOST_TEST(first->canceled + res->canceled == 1u);
  BOOST_TEST(first->retry + res->retry == 4u);
  BOOST_TEST(first->permanent + res->permanent == 2u);
  BOOST_TEST(!res->more);
  const auto d = make_claim_expirer({});
  BOOST_TEST(d.name == "claim_expirer");
  BOOST_TEST(d.run_once(r)->count == 0u);
}

BOOST_AUTO_TEST_CASE(ttl_and_purge_duties) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  make_finished_items(r, 5);
  // A run stops on its budget with a full batch: it says more is due, and the next run takes the rest.
  const auto budgeted = run_once(r, ttl_soft_deleter_config{.batch = 2, .max_batches = 2});
  BOOST_TEST(budgeted->rows == 4u);
  BOOST_TEST(budgeted->more);
  const auto deleted = run_once(r, ttl_soft_deleter_config{.batch = 2});
  BOOST_TEST(deleted->rows == 1u);
  BOOST_TEST(!deleted->more);
  BOOST_TEST(run_once(r, soft_delete_purger_config{})->rows == 0u);  // kept for a day
  const auto purged = run_once(r, soft_delete_purger_config{.retention = std::chrono::seconds(0), .batch = 2});
  BOOST_TEST(purged->rows == 5u);
  BOOST_TEST(!purged->more);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
  BOOST_TEST(make_ttl_soft_deleter({}).run_once(r)->count == 0u);
  BOOST_TEST(make_soft_delete_purger({}).run_once(r)->summary.find("purged") != std::string::npos);
}

// ADR 0078: a duty whose run stops on its batch budget runs again after a short pause, not after
// its interval. Here the interval is an hour and a run may purge two rows: only catching up can
// purge all seven while the test waits.
BOOST_AUTO_TEST_CASE(a_duty_with_a_backlog_runs_again_before_its_interval) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  make_finished_items(r, 7);
  BOOST_REQUIRE(run_once(r, ttl_soft_deleter_config{})->rows == 7u);

  // Declared before the actor system, so that they outlive any run still in flight at its end.
  std::atomic<size_t> runs{0}, purged{0};
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto health = std::make_shared<persistence::db_health>();
  auto pool = persistence::spawn_db_pool(sys, {.url = db.url(), .size = 1}, health);
  auto d = make_soft_delete_purger(
      {.interval = std::chrono::hours(1), .retention = std::chrono::seconds(0), .batch = 2, .max_batches = 1});
  d.observe = [&](const duty_result& res) {
    ++runs;
    purged += res.count;
  };
  auto duty = spawn_duty(sys, d, pool.actor);
  caf::anon_send(duty, caf::tick_atom::value);  // the first run, instead of an hour from now
  for (int i = 0; i < 600 && purged < 7; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_TEST(purged.load() == 7u);
  BOOST_TEST(runs.load() == 4u);  // 2 + 2 + 2 + 1: the short batch ends the catching up
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
  caf::anon_send_exit(duty, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(pool.actor, caf::exit_reason::user_shutdown);
}
