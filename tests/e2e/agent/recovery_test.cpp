// Agents dying and restarting: claims are taken back and finished elsewhere, and a restarted
// agent re-attaches to its BuildRun instead of starting a second one.
#include "tests/e2e/agent/fixture.hpp"

using namespace brokkr::test;

BOOST_FIXTURE_TEST_SUITE(agent_recovery, agent_env)

BOOST_AUTO_TEST_CASE(kill_9_mid_build_then_another_agent_completes) {
  auto east = agent("east", {"pool"}, "east");
  east->start();
  const auto id = submit(build_request(build_with("slow", {{"duration", "10s"}}), {"pool"}, {{"backoff_base_seconds", 1}}));
  BOOST_REQUIRE(eventually([&] { return sim("east").buildruns_of(id).size() == 1u; }, std::chrono::seconds(30)));
  BOOST_TEST(get(id)["claimed_by"] == agents["east"].id);
  east->kill9();
  // The broker notices the dead session, waits its grace period, and takes the claim back.
  BOOST_REQUIRE(wait_status(id, "FAILED_RETRYABLE", std::chrono::seconds(30)));
  BOOST_TEST(get(id)["failure_reason"] == "ClaimExpired");
  // Only now does another agent come along; it runs the retry in its own cluster.
  auto west = agent("west", {"pool"}, "west");
  west->start();
  // The second attempt is a new BuildRun in west.
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED", std::chrono::seconds(90)), west->log());
  BOOST_TEST(get(id)["claimed_by"] == agents["west"].id);
  BOOST_TEST(get(id)["attempt"] == 2);
  BOOST_TEST(sim("west").buildruns_of(id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_restarted_agent_re_attaches_to_its_buildrun) {
  auto a = agent("solo", {"x"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("resume", {{"duration", "8s"}}), {"x"}));
  BOOST_REQUIRE(eventually([&] { return sim("east").buildruns_of(id).size() == 1u; }, std::chrono::seconds(30)));
  a->kill9();
  a->start();  // within the broker's 2 s grace period: the claim is still ours
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED", std::chrono::seconds(60)), a->log());
  BOOST_TEST(a->log().find("re-attaching to shipwright-build " + id) != std::string::npos);
  BOOST_TEST(sim("east").buildruns_of(id).size() == 1u);  // no second BuildRun
  BOOST_TEST(get(id)["attempt"] == 1);
}

BOOST_AUTO_TEST_SUITE_END()
