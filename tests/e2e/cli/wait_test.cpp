// --wait and --follow while the test plays the agent over HTTP: live progress lines, the final
// summary, and the exit code of each terminal state.
#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

struct wait_fixture : cli_fixture {
  agent_handle a = make_agent("builder", {"gpu"});
  fake_agent agent{broker.url(), a};

  std::unique_ptr<running_cli> start_submit(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"work", "submit", "-f", spec_file, "--type", "shipwright-build",
                                     "--label", "gpu", "--wait"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = cli.start(args);
    BOOST_REQUIRE_MESSAGE(run->err_shows("  new -> PENDING  attempt 0\n"), "no PENDING line: " << run->err());
    return run;
  }
};

BOOST_FIXTURE_TEST_SUITE(cli_wait, wait_fixture)

BOOST_AUTO_TEST_CASE(wait_shows_each_transition_then_the_digest) {
  auto run = start_submit();
  const auto item = agent.claim();
  const std::string id = item["id"];
  BOOST_REQUIRE(run->err_shows("  PENDING -> CLAIMED  attempt 1  agent builder (" + a.id + ")\n"));
  agent.complete(item, "COMPLETED", {{"result_message", "pushed"}, {"result_details", {{"digest", "sha256:feed"}}}});
  auto r = run->finish();
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(r.out == "work " + id + " COMPLETED: attempt 1, agent builder (" + a.id + "), digest sha256:feed, pushed\n");
  BOOST_TEST(has(r.err, "work " + id + " submitted (PENDING)\n"), r.err);
  BOOST_TEST(has(r.err, "  CLAIMED -> COMPLETED  attempt 1  agent builder (" + a.id + ")  pushed\n"), r.err);
}

BOOST_AUTO_TEST_CASE(wait_in_json_prints_the_final_item) {
  auto run = start_submit({"-o", "json"});
  agent.complete(agent.claim(), "COMPLETED", {{"result_details", {{"digest", "sha256:beef"}}}});
  auto r = run->finish();
  BOOST_TEST(r.code == 0, r.err);
  const auto item = r.json();
  BOOST_TEST(item["status"] == "COMPLETED");
  BOOST_TEST(item["result_details"]["digest"] == "sha256:beef");
}

BOOST_AUTO_TEST_CASE(wait_goes_through_retries_and_exits_3_when_they_run_out) {
  auto run = start_submit({"--max-retries", "1", "--backoff-base", "1s"});
  agent.complete(agent.claim(), "FAILED_RETRYABLE", {{"failure_reason", "RegistryUnavailable"}});
  BOOST_REQUIRE(run->err_shows("  CLAIMED -> FAILED_RETRYABLE  attempt 1  agent builder (" + a.id + ")  RegistryUnavailable"));
  const auto second = agent.claim();  // once the backoff has passed
  BOOST_REQUIRE(run->err_shows("  FAILED_RETRYABLE -> CLAIMED  attempt 2  agent builder (" + a.id + ")"));
  agent.complete(second, "FAILED_RETRYABLE", {{"failure_reason", "RegistryUnavailable"}, {"result_message", "503"}});
  auto r = run->finish();
  BOOST_TEST(r.code == 3, r.err);
  BOOST_TEST(r.out.rfind("work " + second["id"].get<std::string>() + " FAILED_PERMANENT: attempt 2", 0) == 0u, r.out);
  BOOST_TEST(has(r.err, "CLAIMED -> FAILED_PERMANENT  attempt 2"), r.err);
}

BOOST_AUTO_TEST_CASE(wait_exits_4_when_the_work_is_canceled) {
  auto run = start_submit();
  const std::string id = admin->get("/api/v1/ephemeral-work").body["items"][0]["id"];
  BOOST_TEST(ok({"work", "cancel", id}).out == "work " + id + " CANCELED\n");
  auto r = run->finish();
  BOOST_TEST(r.code == 4, r.err);
  BOOST_TEST(r.out.rfind("work " + id + " CANCELED", 0) == 0u, r.out);
  BOOST_TEST(has(r.err, "  PENDING -> CANCELED  attempt 0"), r.err);
}

BOOST_AUTO_TEST_CASE(follow_streams_live_until_a_claimed_item_is_canceled) {
  const std::string id = submit_json("gpu")["id"];
  const auto item = agent.claim();
  auto follow = cli.start({"work", "events", id, "--follow"});
  BOOST_REQUIRE(follow->out_shows("  PENDING -> CLAIMED  attempt 1  agent builder (" + a.id + ")\n"));
  auto cancel = ok({"work", "cancel", id});
  BOOST_TEST(cancel.out == "cancel requested for work " + id + ": its agent stops the work and reports CANCELED\n");
  agent.complete(item, "CANCELED", {{"result_message", "stopped on request"}});
  auto r = follow->finish();
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(has(r.out, "  CLAIMED -> CANCELED  attempt 1  agent builder (" + a.id + ")"), r.out);
}

BOOST_AUTO_TEST_SUITE_END()
