// The seed's use cases 1-3 and the lifecycle rules driven through HTTP alone.
#include <atomic>
#include <csignal>
#include <thread>

#include "tests/e2e/broker/fixture.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

json complete(api_client& agent, const std::string& id, int attempt, const std::string& outcome,
              const std::string& reason = "", json details = nullptr) {
  json body = {{"attempt", attempt}, {"outcome", outcome}, {"result_message", outcome + " via test"}};
  if (!reason.empty()) body["failure_reason"] = reason;
  if (!details.is_null()) body["result_details"] = details;
  auto r = agent.post("/api/v1/ephemeral-work/" + id + "/complete", body);
  BOOST_REQUIRE_MESSAGE(r.status == 200, "complete: " << r.status << " " << r.raw);
  return r.body;
}

// A claim whose lease runs out (no heartbeats) is taken back by the broker's own timer.
void expect_stale_claim_expired(broker_fixture& f) {
  const auto a = f.make_agent("a", {"x"});
  const auto id = f.submit(build_work({"x"}, {{"lease_seconds", 3}, {"backoff_base_seconds", 1}}));
  auto agent = f.as(a);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  BOOST_REQUIRE(eventually([&] { return f.status_of(id) != "CLAIMED"; }, std::chrono::seconds(20)));
  auto item = f.get(id);
  BOOST_TEST(item["status"] == "FAILED_RETRYABLE");
  BOOST_TEST(item["failure_reason"] == "ClaimExpired");
  BOOST_TEST(item["retry_count"] == 1);
  // The expired claimer's late report is refused; the item is unchanged.
  auto late = agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}});
  BOOST_TEST(late.status == 409);
  BOOST_TEST(f.status_of(id) == "FAILED_RETRYABLE");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(lifecycle_http, broker_fixture)

// Use case 1: submit, the agent sees it pending, claims, heartbeats, completes with a digest.
BOOST_AUTO_TEST_CASE(use_case_1_build_completes) {
  const auto a = make_agent("builder", {"linux"});
  const auto id = submit(build_work({"linux"}));
  auto agent = as(a);
  auto pending = agent.get("/api/v1/agents/" + a.id + "/ephemeral-work/pending");
  BOOST_REQUIRE(pending.status == 200);
  BOOST_REQUIRE_EQUAL(pending.body["items"].size(), 1u);
  BOOST_TEST(pending.body["items"][0]["id"] == id);
  auto claimed = agent.post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_REQUIRE(claimed.status == 200);
  BOOST_TEST(claimed.body["status"] == "CLAIMED");
  BOOST_TEST(claimed.body["claimed_by"] == a.id);
  auto hb = agent.post("/api/v1/ephemeral-work/" + id + "/heartbeat", {{"attempt", 1}});
  BOOST_TEST(hb.status == 200);
  BOOST_TEST(hb.body["cancel_requested"] == false);
  auto done = complete(agent, id, 1, "COMPLETED", "", {{"digest", "sha256:abc"}, {"size", 42}});
  BOOST_TEST(done["status"] == "COMPLETED");
  BOOST_TEST(done["result_details"]["digest"] == "sha256:abc");
  BOOST_TEST(get(id)["completed_at"].is_string());
  auto events = admin->get("/api/v1/ephemeral-work/" + id + "/events");
  BOOST_TEST(events.body["items"].size() == 3u);
}

// Use case 2: a retryable failure waits its backoff, then another agent claims and completes.
BOOST_AUTO_TEST_CASE(use_case_2_retry_after_backoff_on_another_agent) {
  const auto a = make_agent("a", {"pool"});
  const auto b = make_agent("b", {"pool"});
  const auto id = submit(build_work({"pool"}, {{"backoff_base_seconds", 1}}));
  auto agent_a = as(a), agent_b = as(b);
  BOOST_REQUIRE(agent_a.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  auto failed = complete(agent_a, id, 1, "FAILED_RETRYABLE", "ImagePushFailed");
  BOOST_TEST(failed["status"] == "FAILED_RETRYABLE");
  BOOST_TEST(failed["retry_count"] == 1);
  BOOST_TEST(failed["failure_reason"] == "ImagePushFailed");
  BOOST_TEST(failed["next_retry_after"].is_string());
  // The agent that failed: refused during the backoff, and after it while b may take the retry.
  BOOST_REQUIRE(eventually([&] {
    auto r = agent_a.post("/api/v1/ephemeral-work/" + id + "/claim");
    BOOST_REQUIRE(r.status == 409);
    return r.body["error"]["message"].get<std::string>().find("offered to its other targets") != std::string::npos;
  }, std::chrono::seconds(10)));
  // Inside the backoff: not claimable.
  auto early = agent_b.post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_TEST((early.status == 409 || early.status == 200));  // 200 only if the 1 s passed already
  if (early.status == 409) {
    BOOST_TEST(early.body["error"]["message"].get<std::string>().find("backoff") != std::string::npos);
    BOOST_REQUIRE(eventually([&] { return agent_b.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200; },
                             std::chrono::seconds(10)));
  }
  auto item = get(id);
  BOOST_TEST(item["claimed_by"] == b.id);
  BOOST_TEST(item["attempt"] == 2);
  auto done = complete(agent_b, id, 2, "COMPLETED");
  BOOST_TEST(done["status"] == "COMPLETED");
  BOOST_TEST(done["retry_count"] == 1);
}

// Use case 3: work targeted at label gpu is only ever offered to and claimed by gpu agents.
BOOST_AUTO_TEST_CASE(use_case_3_targeted_by_label) {
  const auto gpu = make_agent("gpu", {"gpu"});
  const auto plain = make_agent("plain", {"linux"});
  const auto id = submit(build_work({"gpu"}));
  auto p = as(plain);
  BOOST_TEST(p.get("/api/v1/agents/" + plain.id + "/ephemeral-work/pending").body["items"].empty());
  BOOST_TEST(p.post("/api/v1/agents/" + plain.id + "/ephemeral-work/claim-next").status == 204);
  BOOST_TEST(p.post("/api/v1/ephemeral-work/" + id + "/claim").status == 403);
  auto g = as(gpu);
  auto c = g.post("/api/v1/agents/" + gpu.id + "/ephemeral-work/claim-next");
  BOOST_REQUIRE(c.status == 200);
  BOOST_TEST(c.body["id"] == id);
}

BOOST_AUTO_TEST_CASE(each_outcome) {
  const auto a = make_agent("a", {"x"});
  auto agent = as(a);
  for (const std::string outcome : {"COMPLETED", "FAILED_PERMANENT", "CANCELED"}) {
    const auto id = submit(build_work({"x"}));
    BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
    auto done = complete(agent, id, 1, outcome, outcome == "COMPLETED" ? "" : "GitRevisionNotFound");
    BOOST_TEST(done["status"] == outcome);
    BOOST_TEST(done["retry_count"] == 0);
  }
}


BOOST_AUTO_TEST_CASE(cancel_pending_and_claimed) {
  const auto a = make_agent("a", {"x"});
  auto agent = as(a);
  const auto pending = submit(build_work({"x"}));
  auto r = admin->del("/api/v1/ephemeral-work/" + pending);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body["status"] == "CANCELED");

  const auto running = submit(build_work({"x"}));
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + running + "/claim").status == 200);
  auto req = admin->del("/api/v1/ephemeral-work/" + running);
  BOOST_TEST(req.status == 202);
  BOOST_TEST(req.body["cancel_requested"] == true);
  auto hb = agent.post("/api/v1/ephemeral-work/" + running + "/heartbeat", {{"attempt", 1}});
  BOOST_TEST(hb.body["cancel_requested"] == true);
  auto done = complete(agent, running, 1, "CANCELED");
  BOOST_TEST(done["status"] == "CANCELED");
  // Deleting finished work removes it.
  BOOST_TEST(admin->del("/api/v1/ephemeral-work/" + running).status == 200);
  BOOST_TEST(admin->get("/api/v1/ephemeral-work/" + running).status == 404);
}

BOOST_AUTO_TEST_CASE(ttl_removes_finished_work) {
  const auto a = make_agent("a", {"x"});
  auto agent = as(a);
  const auto id = submit(build_work({"x"}, {{"ttl_seconds", 1}}));
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  complete(agent, id, 1, "COMPLETED");
  BOOST_TEST(eventually([&] { return admin->get("/api/v1/ephemeral-work/" + id).status == 404; }, std::chrono::seconds(15)));
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE deleted_at IS NOT NULL") == 1);
  // The duties' counters (ADR 0078): the sweep's one row, and no run that stopped on its budget.
  api_client anon(broker.url());
  std::string m;
  BOOST_TEST(eventually([&] {
    m = anon.get("/metrics").raw;
    return m.find("brokkr_maintenance_rows_total{duty=\"ttl_soft_deleter\"} 1\n") != std::string::npos;
  }, std::chrono::seconds(10)), m);
  BOOST_TEST(m.find("brokkr_maintenance_budget_runs_total{duty=\"ttl_soft_deleter\"} 0\n") != std::string::npos);
  BOOST_TEST(m.find("brokkr_maintenance_rows_total{duty=\"claim_expirer\"} 0\n") != std::string::npos);
  BOOST_TEST(m.find("brokkr_maintenance_runs_total{duty=\"ttl_soft_deleter\"} ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(idempotent_submission) {
  make_agent("a", {"x"});
  auto first = admin->post("/api/v1/ephemeral-work", build_work({"x"}, {{"idempotency_key", "release-1.2"}}));
  BOOST_REQUIRE(first.status == 201);
  auto again = admin->post("/api/v1/ephemeral-work", build_work({"x"}, {{"idempotency_key", "release-1.2"}}));
  BOOST_TEST(again.status == 200);
  BOOST_TEST(again.body["id"] == first.body["id"]);
}

// ?follow=1 streams each transition as it happens and ends when the item is terminal.
BOOST_AUTO_TEST_CASE(followed_events_stream_until_terminal) {
  const auto a = make_agent("a", {"x"});
  const auto id = submit(build_work({"x"}));
  std::vector<json> lines;  // written by the reader; read here only after join
  std::atomic<int> seen{0};
  bool ended = false;
  std::thread reader([&] {
    api_client follower(broker.url(), broker.admin_key());
    follower.timeout = std::chrono::seconds(60);
    ended = follower.stream_lines("/api/v1/ephemeral-work/" + id + "/events?follow=1", [&](const json& line) {
      lines.push_back(line);
      ++seen;
    });
  });
  auto agent = as(a);
  BOOST_REQUIRE(eventually([&] { return seen.load() >= 1; }, std::chrono::seconds(10)));
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 200);
  reader.join();  // the stream ends by itself at the terminal event
  BOOST_TEST(ended);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[0]["to_status"] == "PENDING");
  BOOST_TEST(lines[1]["to_status"] == "CLAIMED");
  BOOST_TEST(lines[2]["to_status"] == "COMPLETED");
}

BOOST_AUTO_TEST_CASE(graceful_shutdown_exits_zero) {
  broker.stop(SIGTERM);
  // The broker's log goes with the failure: an abort under the sanitizers says why only there.
  BOOST_TEST(broker.exit_code().value_or(-1) == 0, "broker log:\n" << broker.log());
  BOOST_TEST(broker.log().find("stopped") != std::string::npos);
}

// SIGINT (Ctrl-C) stops the broker as SIGTERM does, and a followed event stream still open is ended
// rather than left hanging.
BOOST_AUTO_TEST_CASE(sigint_stops_the_broker_and_ends_open_streams) {
  make_agent("a", {"x"});
  const auto id = submit(build_work({"x"}));
  std::atomic<int> lines{0};
  std::atomic<bool> ended{false};
  std::thread follower([&] {
    api_client c(broker.url(), broker.admin_key());
    c.timeout = std::chrono::seconds(60);
    (void)c.stream_lines("/api/v1/ephemeral-work/" + id + "/events?follow=1", [&](const json&) { ++lines; });
    ended = true;
  });
  BOOST_REQUIRE(eventually([&] { return lines.load() >= 1; }, std::chrono::seconds(10)));
  broker.stop(SIGINT);
  BOOST_TEST(broker.exit_code().value_or(-1) == 0);
  BOOST_TEST(eventually([&] { return ended.load(); }, std::chrono::seconds(15)));
  follower.join();
}

BOOST_AUTO_TEST_SUITE_END()

// Stale claims are the work-item actors' own business: with the safety-net sweep an hour away, the
// timer alone must take the claim back.
struct timers_only_broker : broker_fixture {
  timers_only_broker() : broker_fixture({"--claim-sweep-interval", "1h"}) {}
};

BOOST_FIXTURE_TEST_CASE(stale_claim_is_expired_and_retried, timers_only_broker) { expect_stale_claim_expired(*this); }

// The broker's timers, notices and HTTP replies behave the same on CAF's work-stealing scheduler,
// the alternative to the default sharing one (--caf-scheduler, ADR 0015).
struct stealing_scheduler_broker : broker_fixture {
  stealing_scheduler_broker()
      : broker_fixture({"--caf-scheduler", "stealing", "--caf-threads", "2", "--claim-sweep-interval", "1h"}) {}
};

BOOST_FIXTURE_TEST_CASE(stale_claim_is_expired_on_the_work_stealing_scheduler, stealing_scheduler_broker) {
  expect_stale_claim_expired(*this);
}
