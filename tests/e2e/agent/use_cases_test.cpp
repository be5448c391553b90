// The seed's use cases through real processes: broker, simulated clusters, agents.
#include "tests/e2e/agent/fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

BOOST_FIXTURE_TEST_SUITE(agent_use_cases, agent_env)

// Use case 1: a git build is claimed, Build and BuildRun appear in the cluster, the item ends
// COMPLETED with digest, size, commit and a log tail; the BuildRun carries the brokkr labels.
BOOST_AUTO_TEST_CASE(use_case_1_git_build_completes) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("app"), {"linux"}));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED"), a->log());
  const auto item = get(id);
  const auto& d = item["result_details"];
  BOOST_TEST(std::string(d["digest"]).rfind("sha256:", 0) == 0u);
  BOOST_TEST(d["size"].get<int64_t>() > 0);
  BOOST_TEST(std::string(d["commit_sha"]).size() == 40u);
  BOOST_TEST(!std::string(d["log_tail"]).empty());
  BOOST_TEST(d["buildrun"] == "app-" + id.substr(0, 8) + "-a1");
  BOOST_TEST(item["claimed_by"] == agents["builder"].id);
  const auto runs = sim("east").buildruns_of(id);
  BOOST_REQUIRE_EQUAL(runs.size(), 1u);
  BOOST_TEST(runs[0]["metadata"]["labels"]["brokkr.io/attempt"] == "1");
  BOOST_TEST(runs[0]["spec"]["serviceAccount"] == "builder-sa");
  // The agent's retention defaults (1h / 24h), since this Build sets none.
  BOOST_TEST(runs[0]["spec"]["retention"].contains("ttlAfterSucceeded"));
  BOOST_TEST(runs[0]["spec"]["retention"].contains("ttlAfterFailed"));
  BOOST_TEST(runs[0]["spec"]["timeout"].is_string());
  auto build = sim("east").client->get(brokkr::k8s::resources::builds, "ci", "app");
  BOOST_REQUIRE(build.has_value());
  BOOST_TEST((*build)["metadata"]["labels"]["brokkr.io/work-id"] == id);
  // The agent's health port.
  api_client health("http://127.0.0.1:" + std::to_string(a->health_port));
  BOOST_TEST(health.get("/healthz").status == 200);
  BOOST_TEST(eventually([&] { return health.get("/readyz").status == 200; }, std::chrono::seconds(10)));
  const auto metrics = health.get("/metrics").raw;
  BOOST_TEST(metrics.find("brokkr_agent_claims_total 1") != std::string::npos);
  BOOST_TEST(metrics.find("brokkr_agent_outcomes_total{outcome=\"COMPLETED\"} 1") != std::string::npos);
  BOOST_TEST(metrics.find("brokkr_agent_broker_connected 1") != std::string::npos);
  // Broker gone: the agent is not ready.
  broker.stop();
  BOOST_TEST(eventually([&] { return health.get("/readyz").status == 503; }, std::chrono::seconds(15)));
}

// Readiness holds two facts, each followed on its own: the broker session (set by the link as it
// changes) and the API server (probed while no work's call has answered lately).
BOOST_AUTO_TEST_CASE(an_agent_whose_api_server_is_gone_is_not_ready) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  api_client health("http://127.0.0.1:" + std::to_string(a->health_port));
  BOOST_REQUIRE(eventually([&] { return health.get("/readyz").status == 200; }, std::chrono::seconds(10)));
  sim("east").proc->signal(SIGKILL);
  sim("east").proc->wait(std::chrono::seconds(10));
  // Within one probe interval (10 s) and the client's retries of the refused connection; the
  // broker is still there.
  BOOST_REQUIRE_MESSAGE(eventually([&] { return health.get("/readyz").status == 503; }, std::chrono::seconds(30)),
                        a->log());
  const auto r = health.get("/readyz");
  BOOST_TEST(r.body["kubernetes"] == "unreachable");
  BOOST_TEST(r.body["broker"] == "reachable");
  BOOST_TEST(health.get("/healthz").status == 200);  // alive: a restart would not bring the API server back
}

// A failed build's item carries the failed step's log tail, ending in its error line.
BOOST_AUTO_TEST_CASE(failed_build_reports_the_failed_steps_log) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("broken", {{"outcome", "fail"}, {"failed-step", "build"}}), {"linux"}));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "FAILED_PERMANENT"), a->log());
  const auto item = get(id);
  const auto& d = item["result_details"];
  BOOST_TEST(d["failure"]["location"]["container"] == "step-build");
  BOOST_TEST(d["log_container"] == "step-build");
  std::string tail = d["log_tail"];
  while (!tail.empty() && tail.back() == '\n') tail.pop_back();
  const auto last_line = tail.substr(tail.rfind('\n') + 1);
  BOOST_TEST_MESSAGE("last log line: " << last_line);
  BOOST_TEST(last_line.find("rror") != std::string::npos, last_line);
  BOOST_TEST(item["failure_reason"] == "Failed");
}

// Use case 2: a retryable failure (GitError once), its backoff, a claim by the other agent, then success.
// Both agents serve one cluster here, so the Build's fail-times count is the same for either.
BOOST_AUTO_TEST_CASE(use_case_2_retry_after_transient_failure) {
  auto east = agent("east-1", {"pool"}, "east");
  auto west = agent("east-2", {"pool"}, "east");
  east->start();
  west->start();
  const auto id = submit(build_request(build_with("flaky", {{"fail-times", "1"}, {"reason", "GitError"}}), {"pool"},
                                       {{"backoff_base_seconds", 1}}));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED", std::chrono::seconds(90)), east->log() + west->log());
  const auto item = get(id);
  BOOST_TEST(item["retry_count"] == 1);
  BOOST_TEST(item["attempt"] == 2);
  auto events = admin->get("/api/v1/ephemeral-work/" + id + "/events").body["items"];
  std::vector<std::string> path, claimers;
  for (const auto& e : events) {
    path.push_back(e["to_status"]);
    if (e["to_status"] == "CLAIMED") claimers.push_back(e["agent_id"]);
    if (e["to_status"] == "FAILED_RETRYABLE") BOOST_TEST(e["reason"] == "GitError");
  }
  BOOST_TEST(path == (std::vector<std::string>{"PENDING", "CLAIMED", "FAILED_RETRYABLE", "CLAIMED", "COMPLETED"}));
  // "After backoff period, different agent claims": the broker offers the retry to the other target.
  BOOST_REQUIRE(claimers.size() == 2u);
  BOOST_TEST(claimers[0] != claimers[1]);
}

// Use case 3: work for label gpu is only ever claimed by the gpu agent.
BOOST_AUTO_TEST_CASE(use_case_3_gpu_work_goes_to_the_gpu_agent) {
  auto gpu = agent("gpu", {"gpu", "linux"}, "gpu-cluster");
  auto plain = agent("plain", {"linux"}, "plain-cluster");
  gpu->start();
  plain->start();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(submit(build_request(build_with("cuda-" + std::to_string(i)), {"gpu"})));
  for (const auto& id : ids) {
    BOOST_REQUIRE(wait_status(id, "COMPLETED"));
    BOOST_TEST(get(id)["claimed_by"] == agents["gpu"].id);
    BOOST_TEST(sim("plain-cluster").buildruns_of(id).empty());
  }
}

// A permanent reason ends FAILED_PERMANENT at once, with no retry and the reason recorded.
BOOST_AUTO_TEST_CASE(permanent_failures_are_not_retried) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  const auto missing = submit(build_request(build_with("nostrategy", {}, "no-such-strategy"), {"linux"}));
  const auto revision = submit(build_request(build_with("badref", {{"reason", "GitRevisionNotFound"}}), {"linux"}));
  BOOST_REQUIRE(wait_status(missing, "FAILED_PERMANENT"));
  BOOST_REQUIRE(wait_status(revision, "FAILED_PERMANENT"));
  BOOST_TEST(get(missing)["failure_reason"] == "BuildRegistrationFailed");
  BOOST_TEST(get(missing)["retry_count"] == 0);
  BOOST_TEST(get(revision)["failure_reason"] == "GitRevisionNotFound");
  BOOST_TEST(get(revision)["result_details"]["failure"]["location"]["container"] == "step-source-default");
  BOOST_TEST(get(revision)["retry_count"] == 0);
}

// Cancel during a running build: the BuildRun is patched to BuildRunCanceled, the item ends CANCELED.
BOOST_AUTO_TEST_CASE(cancel_during_a_running_build) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("long", {{"duration", "60s"}}), {"linux"}));
  BOOST_REQUIRE(eventually([&] { return sim("east").buildruns_of(id).size() == 1u; }, std::chrono::seconds(30)));
  BOOST_REQUIRE(admin->del("/api/v1/ephemeral-work/" + id).status == 202);
  // Seen once in CI: the agent logged nothing after "running" and the item did not end.
  if (!wait_status(id, "CANCELED", std::chrono::seconds(30))) BOOST_FAIL(what_happened_to(id, *a, "east"));
  const auto run = sim("east").buildruns_of(id).at(0);
  BOOST_TEST(run["spec"]["state"] == "BuildRunCanceled");
  BOOST_TEST(run["status"]["conditions"][0]["reason"] == "BuildRunCanceled");
}

// The same use case 1 with the agent polling the seed's HTTP endpoints.
BOOST_AUTO_TEST_CASE(use_case_1_over_http_transport) {
  auto a = agent("http-agent", {"linux"}, "east", {"--transport", "http"});
  a->start();
  const auto id = submit(build_request(build_with("app-http"), {"linux"}));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED"), a->log());
  BOOST_TEST(std::string(get(id)["result_details"]["digest"]).rfind("sha256:", 0) == 0u);
  BOOST_TEST(a->log().find("over HTTP") != std::string::npos);
}

// The run is bounded by the claim timeout: a BuildRun that outlasts it is cancelled and reported
// retryable before the broker would take the claim back.
BOOST_AUTO_TEST_CASE(a_build_longer_than_the_claim_timeout_is_stopped) {
  auto a = agent("builder", {"linux"}, "east");
  a->start();
  const auto id = submit(build_request(build_with("endless", {{"duration", "300s"}}), {"linux"},
                                       {{"claim_timeout_seconds", 10}, {"max_retries", 0}}));
  BOOST_REQUIRE_MESSAGE(wait_status(id, "FAILED_PERMANENT", std::chrono::seconds(60)), a->log());
  BOOST_TEST(get(id)["result_message"].get<std::string>().find("WatchBudgetExceeded") != std::string::npos);
  BOOST_TEST(eventually([&] { return sim("east").buildruns_of(id).at(0)["spec"].value("state", "") == "BuildRunCanceled"; },
                        std::chrono::seconds(10)));
}

// Twenty builds through one agent with --max-concurrent-work 20 all complete.
BOOST_AUTO_TEST_CASE(twenty_concurrent_builds) {
  auto a = agent("wide", {"linux"}, "east", {"--max-concurrent-work", "20"});
  a->start();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(submit(build_request(build_with("b" + std::to_string(i), {{"duration", "3s"}}), {"linux"})));
  // All twenty run at once: each lasts 3 s, so twenty in sequence could not all be CLAIMED together.
  BOOST_TEST(eventually([&] {
    return admin->get("/api/v1/ephemeral-work?status=CLAIMED&limit=50").body["items"].size() == 20u;
  }, std::chrono::seconds(30)));
  for (const auto& id : ids) BOOST_REQUIRE_MESSAGE(wait_status(id, "COMPLETED", std::chrono::seconds(90)), id);
}

BOOST_AUTO_TEST_SUITE_END()
