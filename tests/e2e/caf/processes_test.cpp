// Agents as separate processes: kill -9 and SIGSTOP end their sessions within seconds and their
// claims expire; a restarted agent reconnects; TLS on the CAF port; the example integration.
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/e2e/caf/fixture.hpp"

using namespace brokkr;
using namespace brokkr::test;

namespace {

std::unique_ptr<child_process> start_agent(const std::string& dir, uint16_t port, const std::string& key,
                                           std::vector<std::string> extra = {}) {
  static int n = 0;
  std::vector<std::string> argv = {binary("tests/e2e/caf/caf_test_agent"), "127.0.0.1", std::to_string(port), key};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<child_process>(argv, dir + "/agent-" + std::to_string(n++) + ".log");
}

bool log_has(child_process& p, const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  return eventually([&] { return p.log().find(text) != std::string::npos; }, timeout);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(caf_processes, caf_fixture)

BOOST_AUTO_TEST_CASE(kill_9_of_an_agent_ends_its_session_and_frees_its_claim) {
  const auto a = make_agent("a", {"x"});
  const auto id = submit(build_work({"x"}, {{"backoff_base_seconds", 1}}));  // lease: the default 30 s
  auto agent = start_agent(dir, broker.caf_port(), a.key, {"--claim", "--heartbeat"});
  BOOST_REQUIRE_MESSAGE(log_has(*agent, "claimed " + id), agent->log());
  const auto killed = std::chrono::steady_clock::now();
  agent->signal(SIGKILL);
  // Session gone at once, claim expired after the 1 s grace period: long before the 30 s lease.
  BOOST_REQUIRE(eventually([&] { return status_of(id) == "FAILED_RETRYABLE"; }, std::chrono::seconds(20)));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  BOOST_TEST_MESSAGE("kill -9 -> claim expired in " << took << " s");
  std::printf("kill -9 of the agent -> its claim expired after %.1f s (grace 1 s, lease 30 s)\n", took);
  BOOST_TEST(get(id)["failure_reason"] == "ClaimExpired");
  // The lease was cut short, not missed: the message names the closed session and the grace period.
  BOOST_TEST(get(id)["result_message"].get<std::string>().find("did not reconnect within the 1s grace period") !=
             std::string::npos);
  BOOST_TEST(broker.log().find("agent " + a.id + " disconnected") != std::string::npos);
  // The restarted agent reconnects and takes the work again once its backoff ends.
  auto again = start_agent(dir, broker.caf_port(), a.key, {"--claim", "--heartbeat"});
  BOOST_TEST(log_has(*again, "session " + a.id));
  BOOST_TEST(log_has(*again, "claimed " + id + " 2"));
}

BOOST_AUTO_TEST_CASE(a_frozen_agent_is_detected_by_heartbeats) {
  const auto a = make_agent("a", {"x"});
  const auto id = submit(build_work({"x"}));
  auto agent = start_agent(dir, broker.caf_port(), a.key, {"--claim", "--heartbeat"});
  BOOST_REQUIRE_MESSAGE(log_has(*agent, "claimed " + id), agent->log());
  const auto frozen = std::chrono::steady_clock::now();
  agent->signal(SIGSTOP);
  BOOST_REQUIRE(eventually([&] { return status_of(id) == "FAILED_RETRYABLE"; }, std::chrono::seconds(25)));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - frozen).count();
  std::printf("SIGSTOP of the agent -> its claim expired after %.1f s (CAF heartbeat timeout 3 s + grace 1 s)\n", took);
  agent->signal(SIGCONT);
  agent->signal(SIGKILL);
}

BOOST_AUTO_TEST_CASE(the_example_integration_watches_a_build_to_completion) {
  const auto a = make_agent("builder", {"example"});
  const std::string key_file = dir + "/admin.key";
  child_process example({binary("examples/brokkr-example-submit"), "--broker-caf",
                         "127.0.0.1:" + std::to_string(broker.caf_port()), "--key-file", key_file, "--label", "example"},
                        dir + "/example.log");
  BOOST_REQUIRE_MESSAGE(eventually([&] { return example.log().find("submitted ") != std::string::npos; }), example.log());
  // Play the agent over HTTP.
  auto agent = as(a);
  std::string id;
  BOOST_REQUIRE(eventually([&] {
    auto r = agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next");
    if (r.status == 200) id = r.body["id"];
    return !id.empty();
  }));
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 200);
  const auto code = example.wait(std::chrono::seconds(30));
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0, example.log());
  const auto out = example.log();
  BOOST_TEST(out.find("- -> PENDING") != std::string::npos);
  BOOST_TEST(out.find("PENDING -> CLAIMED attempt 1 agent " + a.id) != std::string::npos);
  BOOST_TEST(out.find("CLAIMED -> COMPLETED") != std::string::npos);
  // Sessions do not hold the broker up on SIGTERM.
  broker.stop();
  BOOST_TEST(broker.exit_code().value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(plaintext_caf_off_loopback_needs_consent) {
  test_database db;
  const auto dir = temp_dir("brokkr-caf-cfg");
  child_process refused({binary("broker_node/brokkr-broker"), "--database-url", db.url(), "--http-listen", "127.0.0.1:0",
                         "--caf-listen", "0.0.0.0:0", "--admin-key-file", dir + "/k"},
                        dir + "/refused.log");
  BOOST_TEST(refused.wait(std::chrono::seconds(30)).value_or(-1) == 2);
  BOOST_TEST(refused.log().find("--caf-listen on 0.0.0.0 needs --tls-cert") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tls_on_the_caf_port) {
  const auto dir = temp_dir("brokkr-tls");
  const auto sh = [&](const std::string& cmd) {
    BOOST_REQUIRE_MESSAGE(std::system(("cd " + dir + " && " + cmd + " >/dev/null 2>&1").c_str()) == 0, cmd);
  };
  // A CA, and a certificate each for the broker and the agent, signed by it.
  sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=brokkr-test-ca -keyout ca.key -out ca.pem");
  for (const std::string who : {"broker", "agent"}) {
    sh("openssl req -newkey rsa:2048 -nodes -subj /CN=" + who + " -keyout " + who + ".key -out " + who + ".csr");
    sh("openssl x509 -req -in " + who + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out " + who + ".pem");
  }
  test_database db;
  broker_process broker(db.url(), dir + "/admin.key",
                        {"--caf-listen", "0.0.0.0:0", "--tls-cert", dir + "/broker.pem", "--tls-key", dir + "/broker.key",
                         "--tls-ca", dir + "/ca.pem"});
  broker.start();
  BOOST_TEST(broker.log().find("(TLS)") != std::string::npos);
  api_client admin(broker.url(), broker.admin_key());
  auto a = admin.post("/api/v1/agents", {{"name", "t"}, {"cluster_name", "c"}});
  BOOST_REQUIRE(a.status == 201);
  const std::string key = a.body["key"];
  child_process good({binary("tests/e2e/caf/caf_test_agent"), "127.0.0.1", std::to_string(broker.caf_port()), key,
                      "--tls", dir + "/ca.pem", dir + "/agent.pem", dir + "/agent.key"},
                     dir + "/good.log");
  BOOST_TEST(eventually([&] { return good.log().find("session ") != std::string::npos; }), good.log());
  // Without TLS the endpoint does not talk.
  child_process plain({binary("tests/e2e/caf/caf_test_agent"), "127.0.0.1", std::to_string(broker.caf_port()), key},
                      dir + "/plain.log");
  BOOST_TEST(eventually([&] { return !plain.running(); }, std::chrono::seconds(30)));
  BOOST_TEST(plain.log().find("session ") == std::string::npos);
  BOOST_TEST(plain.log().find("error") != std::string::npos);
}

// Issue 13's failover figure with the broker's default --agent-grace-period (ADR 0054): kill -9 of
// the claiming agent to the claim of the retry by another targeted agent. Printed, not asserted on.
BOOST_FIXTURE_TEST_CASE(with_the_default_grace_a_killed_claimers_work_moves_to_another_agent, broker_fixture) {
  const auto a = make_agent("a", {"x"});
  const auto b = make_agent("b", {"x"});
  const auto id = submit(build_work({"x"}, {{"backoff_base_seconds", 1}}));
  auto first = start_agent(dir, broker.caf_port(), a.key, {"--claim", "--heartbeat"});
  BOOST_REQUIRE_MESSAGE(log_has(*first, "claimed " + id + " 1"), first->log());
  auto second = start_agent(dir, broker.caf_port(), b.key, {"--claim", "--heartbeat"});
  BOOST_REQUIRE_MESSAGE(log_has(*second, "session " + b.id), second->log());
  const auto killed = std::chrono::steady_clock::now();
  first->signal(SIGKILL);
  BOOST_REQUIRE_MESSAGE(log_has(*second, "claimed " + id + " 2", std::chrono::seconds(60)), second->log());
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  std::printf("kill -9 of the claiming agent -> claimed by another agent after %.1f s (default grace, backoff 1 s, "
              "claim poll 100 ms)\n",
              took);
  const auto item = get(id);
  BOOST_TEST(item["claimed_by"] == b.id);
  BOOST_TEST(item["retry_count"] == 1);
  BOOST_TEST(broker.log().find("agent " + a.id + " disconnected") != std::string::npos);
}

// Readiness (issue 14): an idle agent with its CAF session open is READY and stays so; HTTP agents
// are READY while they poll; either stops being READY when it goes away.
struct presence_fixture : broker_fixture {
  presence_fixture()
      : broker_fixture({"--presence-interval", "200ms", "--agent-ready-window", "2s", "--agent-grace-period", "1s"}) {}
  nlohmann::json connection(const agent_handle& a) {
    auto r = admin->get("/api/v1/agents/" + a.id);
    BOOST_REQUIRE(r.status == 200);
    return r.body["connection"];
  }
};

BOOST_FIXTURE_TEST_CASE(agent_readiness_follows_sessions_and_polls, presence_fixture) {
  const auto a = make_agent("a", {"x"});
  const auto h = make_agent("h", {"x"});
  auto c = connection(a);
  BOOST_TEST(c["ready"] == false);
  BOOST_TEST(c["transport"].is_null());
  BOOST_TEST(c["last_seen_at"].is_null());

  auto agent = start_agent(dir, broker.caf_port(), a.key);  // logs in, claims nothing: idle
  BOOST_REQUIRE_MESSAGE(log_has(*agent, "session " + a.id), agent->log());
  BOOST_REQUIRE(eventually([&] { return connection(a)["ready"] == true; }, std::chrono::seconds(10)));
  c = connection(a);
  BOOST_TEST(c["transport"] == "caf");
  BOOST_TEST(c["connected"] == true);
  // Idle for longer than the window: the open session keeps it READY.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  BOOST_TEST(connection(a)["ready"] == true);

  // An HTTP agent is READY after a poll and no longer once it stops polling.
  auto poller = as(h);
  const auto polled = poller.post("/api/v1/agents/" + h.id + "/ephemeral-work/claim-next").status;
  BOOST_REQUIRE_MESSAGE(polled == 204, polled);
  BOOST_REQUIRE(eventually([&] { return connection(h)["ready"] == true; }, std::chrono::seconds(10)));
  BOOST_TEST(connection(h)["transport"] == "http");
  BOOST_TEST(eventually([&] { return connection(h)["ready"] == false; }, std::chrono::seconds(10)));

  // kill -9: the session closes, the agent is not READY, and the list says so too.
  agent->signal(SIGKILL);
  BOOST_REQUIRE(eventually([&] { return connection(a)["ready"] == false; }, std::chrono::seconds(10)));
  BOOST_TEST(connection(a)["connected"] == false);
  auto list = admin->get("/api/v1/agents");
  BOOST_REQUIRE(list.status == 200);
  for (const auto& item : list.body["items"]) BOOST_TEST(item["connection"]["ready"] == false);
  // An INACTIVE agent is never READY, connected or not.
  auto again = start_agent(dir, broker.caf_port(), a.key);
  BOOST_REQUIRE(eventually([&] { return connection(a)["ready"] == true; }, std::chrono::seconds(10)));
  BOOST_REQUIRE(admin->patch("/api/v1/agents/" + a.id, {{"status", "INACTIVE"}}).status == 200);
  BOOST_TEST(connection(a)["ready"] == false);
  BOOST_TEST(connection(a)["connected"] == true);
}
