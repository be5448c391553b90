// The maintenance duties' run_once against the real schema (STYLE.md 5.7: defaults, validation, runs).
#include <boost/test/unit_test.hpp>

#include "broker_node/maintenance/claim_expirer.hpp"
#include "broker_node/maintenance/soft_delete_purger.hpp"
#include "broker_node/maintenance/ttl_soft_deleter.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using namespace brokkr::broker;

BOOST_AUTO_TEST_CASE(duty_configs_have_defaults_and_validate) {
  BOOST_TEST(static_cast<bool>(validate(claim_expirer_config{})));
  BOOST_TEST(static_cast<bool>(validate(ttl_soft_deleter_config{})));
  BOOST_TEST(static_cast<bool>(validate(soft_delete_purger_config{})));
  BOOST_TEST(!validate(claim_expirer_config{.interval = std::chrono::milliseconds(1)}));
  BOOST_TEST(!validate(claim_expirer_config{.batch = 0}));
  BOOST_TEST(!validate(ttl_soft_deleter_config{.batch = 100000}));
  BOOST_TEST(!validate(soft_delete_purger_config{.retention = std::chrono::seconds(-1)}));
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
  const auto res = run_once(r, claim_expirer_config{.batch = 2, .max_batches = 10});
  BOOST_REQUIRE(res.has_value());
  BOOST_TEST(res->canceled == 1u);
  BOOST_TEST(res->retry == 4u);
  BOOST_TEST(res->permanent == 2u);
  const auto d = make_claim_expirer({});
  BOOST_TEST(d.name == "claim_expirer");
  BOOST_TEST(d.run_once(r)->count == 0u);
}

BOOST_AUTO_TEST_CASE(ttl_and_purge_duties) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories r{*conn, {}};
  const auto a = test::make_agent(r.agents);
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(r.work.cancel(test::make_work(r.work, {.agent_ids = {a.id}, .ttl_seconds = 0}).id));
  const auto deleted = run_once(r, ttl_soft_deleter_config{.batch = 2});
  BOOST_TEST(*deleted == 5u);
  BOOST_TEST(*run_once(r, soft_delete_purger_config{}) == 0u);  // kept for a day
  const auto purged = run_once(r, soft_delete_purger_config{.retention = std::chrono::seconds(0), .batch = 2});
  BOOST_TEST(*purged == 5u);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
  BOOST_TEST(make_ttl_soft_deleter({}).run_once(r)->count == 0u);
  BOOST_TEST(make_soft_delete_purger({}).run_once(r)->summary.find("purged") != std::string::npos);
}
