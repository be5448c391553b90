// A newer broker's migration can change the result type of a statement an older broker holds
// prepared (a rolling update: 0016 changed the types of ten columns that `w.*` returns). PostgreSQL
// then refuses to run that statement (SQLSTATE 0A000) until it is prepared again. The pool answers
// the job `unavailable`, which is safe to retry because nothing ran, and replaces the connection:
// the next job runs on one that prepared every statement against the schema as it now is.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <future>
#include <vector>

#include "broker_node/work_service.hpp"
#include "persistence/persistence_actor.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;

namespace {

// Reads one item through the pool (ephemeral_work_get, which returns `w.*`); its error, if any.
std::optional<persistence::db_error> get_through(const persistence::db_pool& pool, const std::string& id) {
  std::promise<std::optional<persistence::db_error>> done;
  auto answer = done.get_future();
  pool.queue->submit(persistence::db_job{"get", [id](persistence::repositories& rr) {
                                           auto item = rr.work.get(id);
                                           if (!item) return persistence::db_reply{nullptr, item.error()};
                                           return persistence::db_reply{std::make_shared<work_item>(*item), std::nullopt};
                                         }},
                     [&done](persistence::db_reply rep) { done.set_value(rep.error); });
  return answer.get();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_statement_whose_result_type_changed_costs_one_retryable_failure) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  const auto a = test::make_agent(r.agents);
  const auto w = test::make_work(r.work, {.agent_ids = {a.id}});

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto health = std::make_shared<persistence::db_health>();
  auto pool = persistence::spawn_db_pool(sys, {.url = db.url(), .size = 1}, health);
  auto get = [&] { return get_through(pool, w.id); };
  BOOST_REQUIRE(!get());  // prepared on the pool's connection, and run
  db.exec("ALTER TABLE ephemeral_work ADD COLUMN added_by_a_newer_broker INT");
  const auto stale = get();
  BOOST_REQUIRE(stale);
  BOOST_TEST((stale->code == errc::unavailable));
  BOOST_TEST(!health->up.load());
  const auto again = get();
  BOOST_TEST(!again, (again ? again->message : std::string()));
  BOOST_TEST(health->up.load());
  BOOST_TEST(health->reconnects.load() == 2u);  // the first connection, then its successor
  caf::anon_send_exit(pool.actor, caf::exit_reason::user_shutdown);
}

// Completions that wait in the queue together run as one group, one transaction (ADR 0059). A
// stale statement fails the whole group, and the connection is replaced after it just as after a
// job alone: the next job, on a statement this connection had prepared before, runs.
BOOST_AUTO_TEST_CASE(a_group_that_meets_a_stale_statement_replaces_the_connection_too) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  const auto a = test::make_agent(r.agents);
  std::vector<std::string> items;
  for (int i = 0; i < 4; ++i) {
    items.push_back(test::make_work(r.work, {.agent_ids = {a.id}}).id);
    BOOST_REQUIRE(r.work.claim(items.back(), a.id));
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto health = std::make_shared<persistence::db_health>();
  auto pool = persistence::spawn_db_pool(sys, {.url = db.url(), .size = 1, .max_group = 100}, health);
  auto m = std::make_shared<metrics::registry>();
  broker::work_service::declare_metrics(*m);
  const broker::work_service ws{m};
  auto get = [&] { return get_through(pool, items[0]); };
  // Two completions queued behind a held worker, so that they are taken as one group.
  auto complete_two = [&](size_t first) {
    std::promise<void> open;
    std::shared_future<void> gate = open.get_future().share();
    std::promise<void> held;
    pool.queue->submit(persistence::db_job{"hold", [gate, &held](persistence::repositories&) {
                                             held.set_value();
                                             gate.wait();
                                             return persistence::db_reply{std::make_shared<int>(0), std::nullopt};
                                           }},
                       [](persistence::db_reply) {});
    held.get_future().wait();
    std::vector<std::future<std::optional<persistence::db_error>>> answers;
    std::vector<std::shared_ptr<std::promise<std::optional<persistence::db_error>>>> promises;
    for (size_t i = first; i < first + 2; ++i) {
      auto op = ws.complete(auth::identity{auth::role::agent, a.id}, {.work_id = items[i], .attempt = 1});
      BOOST_REQUIRE(op.has_value());
      auto p = std::make_shared<std::promise<std::optional<persistence::db_error>>>();
      answers.push_back(p->get_future());
      promises.push_back(p);
      pool.queue->submit(std::move(op->untyped), [p](persistence::db_reply rep) { p->set_value(rep.error); });
    }
    open.set_value();
    std::vector<std::optional<persistence::db_error>> out;
    for (auto& f : answers) out.push_back(f.get());
    return out;
  };

  BOOST_REQUIRE(!get());
  for (const auto& e : complete_two(0)) BOOST_TEST(!e, (e ? e->message : std::string()));
  BOOST_TEST(db.count("SELECT count(DISTINCT completed_at) FROM ephemeral_work WHERE status = 'COMPLETED'") == 1);
  db.exec("ALTER TABLE ephemeral_work ADD COLUMN added_by_a_newer_broker INT");
  for (const auto& e : complete_two(2)) {
    BOOST_REQUIRE(e);
    BOOST_TEST((e->code == errc::unavailable));
  }
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'CLAIMED'") == 2);  // nothing written
  const auto again = get();  // ephemeral_work_get was prepared on the replaced connection too
  BOOST_TEST(!again, (again ? again->message : std::string()));
  BOOST_TEST(health->reconnects.load() == 2u);
  caf::anon_send_exit(pool.actor, caf::exit_reason::user_shutdown);
}
