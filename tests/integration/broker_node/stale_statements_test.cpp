// A newer broker's migration can change the result type of a statement an older broker holds
// prepared (a rolling update: 0016 changed the types of ten columns that `w.*` returns). PostgreSQL
// then refuses to run that statement (SQLSTATE 0A000) until it is prepared again. The pool answers
// the job `unavailable`, which is safe to retry because nothing ran, and replaces the connection:
// the next job runs on one that prepared every statement against the schema as it now is.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <future>

#include "persistence/persistence_actor.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;

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
  auto get = [&] {
    std::promise<std::optional<persistence::db_error>> done;
    auto answer = done.get_future();
    pool.queue->submit(persistence::db_job{"get", [id = w.id](persistence::repositories& rr) {
                                             auto item = rr.work.get(id);
                                             if (!item) return persistence::db_reply{nullptr, item.error()};
                                             return persistence::db_reply{std::make_shared<work_item>(*item), std::nullopt};
                                           }},
                       [&done](persistence::db_reply rep) { done.set_value(rep.error); });
    return answer.get();
  };
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
