// Live build logs end to end: brokkr-broker, brokkr-agent over CAF and brokkr-sim-cluster as real
// processes. The build step's lines appear over the run (the sim prints them one by one); the
// follower must see them while the BuildRun runs, in order, once each, also across an agent restart.
#include <fstream>
#include <sstream>

#include "tests/e2e/agent/fixture.hpp"
#include "tests/support/log_follower.hpp"

using namespace brokkr::test;
using namespace std::chrono_literals;

namespace {

// The sim's build-step log (k8s/sim/run_outcome.cpp) for an image.
std::string build_step_log(const std::string& image) {
  return "STEP 1/3: FROM registry.access.redhat.com/ubi9/ubi-minimal\nSTEP 2/3: RUN make\nSTEP 3/3: CMD [\"/app\"]\n"
         "COMMIT " + image + "\nSuccessfully built the image\n";
}

std::string follow_path(const std::string& id) { return "/api/v1/ephemeral-work/" + id + "/logs?follow=true"; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(live_logs, agent_env)

BOOST_AUTO_TEST_CASE(the_build_steps_lines_stream_while_the_buildrun_runs) {
  auto a = agent("streamer", {"logs"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("live", {{"duration", "5s"}}), {"logs"}));
  BOOST_REQUIRE(wait_status(id, "CLAIMED", 30s));
  // The CLI follows the same item beside the raw HTTP follower.
  child_process cli({binary("cli/brokkr"), "--server", broker.url(), "--key-file", dir + "/admin.key", "work", "logs",
                     id, "-f"},
                    dir + "/cli-logs-f.out");
  log_follower f(broker.url(), broker.admin_key(), follow_path(id));
  BOOST_REQUIRE_MESSAGE(f.wait([&] { return f.status != -1; }, 60s), a->log());
  const auto done_seen = std::chrono::steady_clock::now();
  BOOST_TEST(f.status == 200);
  const auto expected = build_step_log("registry.example.com/org/live:1");
  BOOST_TEST(f.text == expected);
  // Several pieces, the first long before the stream's end: streamed, not read at the end.
  BOOST_TEST(f.pieces.size() >= 3u);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(done_seen - f.pieces.front()).count() >= 1000);
  BOOST_REQUIRE(wait_status(id, "COMPLETED", 30s));
  BOOST_REQUIRE(cli.wait(30s) == 0);
  std::ifstream out(dir + "/cli-logs-f.out");
  std::stringstream cli_text;
  cli_text << out.rdbuf();
  BOOST_TEST(cli_text.str().find(expected) != std::string::npos, cli_text.str());
  // After the end, a follow answers the stored tail at once, and another step can be asked for.
  api_client c(broker.url(), broker.admin_key());
  auto after = c.get("/api/v1/ephemeral-work/" + id + "/logs?follow=true");
  BOOST_TEST(after.status == 200);
  BOOST_TEST(expected.find(after.raw) != std::string::npos, after.raw);
}

BOOST_AUTO_TEST_CASE(an_http_transport_agent_streams_after_the_heartbeat_that_carries_the_request) {
  auto a = agent("http-streamer", {"http-logs"}, "east", {"--transport", "http"});
  a->start();
  // A 3 s lease: heartbeats every second, so the request reaches the agent within about a second.
  const auto id = submit(build_request(build_with("overhttp", {{"duration", "6s"}}), {"http-logs"}, {{"lease_seconds", 3}}));
  BOOST_REQUIRE(wait_status(id, "CLAIMED", 30s));
  log_follower f(broker.url(), broker.admin_key(), follow_path(id));
  BOOST_REQUIRE_MESSAGE(f.wait([&] { return f.status != -1; }, 60s), a->log());
  BOOST_TEST(f.status == 200);
  BOOST_TEST(f.text == build_step_log("registry.example.com/org/overhttp:1"));
  BOOST_TEST(f.pieces.size() >= 2u);
  BOOST_REQUIRE(wait_status(id, "COMPLETED", 30s));
}

BOOST_AUTO_TEST_SUITE_END()

// Long enough a grace period that the restarted agent still holds its claim.
struct patient_logs_env : agent_env {
  patient_logs_env() : agent_env({"--agent-grace-period", "30s"}) {}
};

BOOST_FIXTURE_TEST_CASE(a_followed_log_goes_on_after_the_agent_restarts_without_repeating_a_line, patient_logs_env) {
  auto a = agent("phoenix", {"phoenix"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("phoenix", {{"duration", "10s"}}), {"phoenix"}));
  BOOST_REQUIRE(wait_status(id, "CLAIMED", 30s));
  log_follower f(broker.url(), broker.admin_key(), follow_path(id));
  BOOST_REQUIRE_MESSAGE(f.wait([&] { return !f.text.empty(); }, 30s), a->log());
  a->kill9();
  a->start();  // re-attaches to its BuildRun; the broker asks it to stream from the last byte it has
  BOOST_REQUIRE_MESSAGE(f.wait([&] { return f.status != -1; }, 60s), a->log());
  BOOST_TEST(f.status == 200);
  BOOST_TEST(f.text == build_step_log("registry.example.com/org/phoenix:1"));
  BOOST_REQUIRE(wait_status(id, "COMPLETED", 30s));
}
