// Bad input is rejected with an error naming the field, and nothing is written.
#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

long long rows(const test::test_database& db) {
  return db.count(
      "SELECT (SELECT count(*) FROM ephemeral_work) + (SELECT count(*) FROM ephemeral_work_targets) + "
      "(SELECT count(*) FROM ephemeral_work_events) + (SELECT count(*) FROM ephemeral_work_target_labels)");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(validation, db_fixture)

BOOST_AUTO_TEST_CASE(bad_work_requests_write_nothing) {
  test::make_agent(agents, {.labels = {"gpu"}});
  struct bad_case {
    const char* field;
    std::function<void(work_request&)> spoil;
  };
  const std::vector<bad_case> cases = {
      {"work_type", [](work_request& r) { r.work_type = "unknown-type"; }},
      {"crd_spec", [](work_request& r) { r.crd_spec = "{not: [valid"; }},
      {"crd_spec", [](work_request& r) { r.crd_spec = std::string(2 << 20, 'x'); }},
      {"max_retries", [](work_request& r) { r.max_retries = -1; }},
      {"claim_timeout_seconds", [](work_request& r) { r.claim_timeout_seconds = 100'000'000; }},
      {"ttl_seconds", [](work_request& r) { r.ttl_seconds = -1; }},
      {"priority", [](work_request& r) { r.priority = 1'000'000; }},
      {"idempotency_key", [](work_request& r) { r.idempotency_key = std::string(256, 'k'); }},
      {"targets", [](work_request& r) { r.targets = {}; }},
      {"targets.labels[0]", [](work_request& r) { r.targets.labels = {"has space"}; }},
  };
  for (const auto& c : cases) {
    auto req = test::make_request({.labels = {"gpu"}});
    c.spoil(req);
    auto r = work.create(req);
    BOOST_REQUIRE_MESSAGE(!r.has_value(), "expected rejection for " << c.field);
    BOOST_TEST(r.error().code == db_errc::invalid_argument);
    BOOST_TEST(r.error().field == c.field);
    BOOST_TEST(r.error().message.find(c.field) != std::string::npos);
  }
  BOOST_TEST(rows(db) == 0);
}

BOOST_AUTO_TEST_CASE(bad_completion_reports_change_nothing) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  const auto c = work.claim(w.id, a.id);
  completion_report p{.agent_id = a.id, .attempt = c->attempt, .outcome = work_outcome::completed};
  p.result_details = "[1,2,3]";
  auto r = work.complete(test::for_item(w.id, p));
  BOOST_TEST(r.error().field == "result_details");
  p.result_details = "{broken";
  BOOST_TEST(work.complete(test::for_item(w.id, p)).error().field == "result_details");
  p.result_details.clear();
  p.failure_reason = std::string(300, 'r');
  BOOST_TEST(work.complete(test::for_item(w.id, p)).error().field == "failure_reason");
  p.failure_reason.clear();
  p.agent_id = "not-a-uuid";
  BOOST_TEST(work.complete(test::for_item(w.id, p)).error().field == "agent_id");
  BOOST_TEST(work.get(w.id)->status == work_status::claimed);
  BOOST_TEST(events_of(w.id) == 2);
}

BOOST_AUTO_TEST_CASE(bad_agent_input_is_rejected) {
  BOOST_TEST(agents.create({.name = "", .cluster_name = "c"}).error().field == "name");
  BOOST_TEST(agents.create({.name = "a", .cluster_name = std::string(300, 'c')}).error().field == "cluster_name");
  BOOST_TEST(agents.create({.name = "a", .cluster_name = "c", .labels = {"bad label"}}).error().field == "labels[0]");
  BOOST_TEST(agents.create({.name = "a", .cluster_name = "c", .annotations = {{"bad key!", "v"}}}).error().field ==
             "annotations.bad key!");
  BOOST_TEST(db.count("SELECT count(*) FROM agents") == 0);
}

BOOST_AUTO_TEST_CASE(ids_that_are_not_uuids_are_not_found_not_errors) {
  BOOST_TEST(work.get("../etc/passwd").error().code == db_errc::not_found);
  BOOST_TEST(work.cancel("x").error().code == db_errc::not_found);
  BOOST_TEST(agents.get("x").error().code == db_errc::not_found);
}

BOOST_AUTO_TEST_SUITE_END()
