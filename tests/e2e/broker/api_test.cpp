// Every endpoint of the facade over a real socket, with its error paths and the auth matrix.
#include "tests/e2e/broker/fixture.hpp"
#include "tests/support/spec_cases.hpp"

#include <sstream>

using namespace brokkr::test;
using nlohmann::json;

BOOST_FIXTURE_TEST_SUITE(api, broker_fixture)

BOOST_AUTO_TEST_CASE(operational_endpoints) {
  api_client anon(broker.url());
  BOOST_TEST(anon.get("/healthz").status == 200);
  auto ready = anon.get("/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(ready.body["database"] == "up");
  auto version = anon.get("/version");
  BOOST_TEST(version.status == 200);
  BOOST_TEST(version.body["protocol_version"] == 3);
  BOOST_TEST(!version.body["version"].get<std::string>().empty());
  auto spec = anon.get("/openapi.yaml");
  BOOST_TEST(spec.status == 200);
  BOOST_TEST(spec.raw.find("/api/v1/ephemeral-work/{id}/claim:") != std::string::npos);
  submit(build_work({"gpu"}));
  auto metrics = anon.get("/metrics");
  BOOST_TEST(metrics.status == 200);
  BOOST_TEST(metrics.raw.find("brokkr_work_items{status=\"PENDING\"} 1") != std::string::npos);
  BOOST_TEST(metrics.raw.find("brokkr_http_requests_total{method=\"POST\",route=\"/api/v1/ephemeral-work\",status=\"201\"} 1") !=
             std::string::npos);
  BOOST_TEST(metrics.raw.find("brokkr_database_up 1") != std::string::npos);
  BOOST_TEST(metrics.raw.find("brokkr_http_request_duration_seconds_bucket") != std::string::npos);
}

// The work-item gauges over HTTP: a claimed item keeps an actor (its lease is timed), and the two
// gauges, taken in one answer of the claim supervisor, add up to the live items held.
BOOST_AUTO_TEST_CASE(the_work_item_gauges_count_each_live_item_once) {
  const auto a = make_agent("gauges", {"gpu"});
  const auto first = submit(build_work({"gpu"}));
  submit(build_work({"gpu"}));
  auto agent = as(a);
  BOOST_REQUIRE_EQUAL(agent.post("/api/v1/ephemeral-work/" + first + "/claim", json::object()).status, 200);
  api_client anon(broker.url());
  long actors = -1, idle = -1;
  const auto read = [&] {
    const auto m = anon.get("/metrics").raw;
    const auto value = [&m](const std::string& name) {
      const auto at = m.find("\n" + name + " ");
      return at == std::string::npos ? -1L : std::stol(m.substr(at + name.size() + 2));
    };
    actors = value("brokkr_work_item_actors");
    idle = value("brokkr_work_items_idle");
  };
  BOOST_TEST(eventually([&] { read(); return actors >= 1 && actors + idle == 2; }, std::chrono::seconds(10)),
             "actors " << actors << ", idle " << idle);
  BOOST_REQUIRE_EQUAL(agent.post("/api/v1/ephemeral-work/" + first + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status,
                      200);
  BOOST_TEST(eventually([&] { read(); return actors + idle == 1; }, std::chrono::seconds(10)),
             "actors " << actors << ", idle " << idle);
}

// The console's two reads: the overview's counts and the every-item event page.
BOOST_AUTO_TEST_CASE(summary_and_every_items_events) {
  const auto a = make_agent("summary-agent", {"gpu"});
  auto agent = as(a);
  const auto first = submit(build_work({"gpu"}));
  submit(build_work({"gpu"}));
  submit(build_work({"none"}, {{"work_type", "kubernetes-apply"}, {"crd_spec", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"}}));
  auto claimed = agent.post("/api/v1/ephemeral-work/" + first + "/claim", nlohmann::json::object());
  BOOST_REQUIRE_EQUAL(claimed.status, 200);
  BOOST_REQUIRE_EQUAL(agent.post("/api/v1/ephemeral-work/" + first + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status, 200);

  auto sum = admin->get("/api/v1/summary");
  BOOST_REQUIRE_EQUAL(sum.status, 200);
  BOOST_TEST(sum.body["total"] == 3);
  BOOST_TEST(sum.body["by_status"]["PENDING"] == 2);
  BOOST_TEST(sum.body["by_status"]["COMPLETED"] == 1);
  BOOST_TEST(sum.body["by_status"]["CANCELED"] == 0);
  BOOST_TEST(sum.body["by_type"]["shipwright-build"]["PENDING"] == 1);
  BOOST_TEST(sum.body["by_type"]["kubernetes-apply"]["PENDING"] == 1);
  BOOST_TEST(sum.body["finished_last_hour"]["COMPLETED"] == 1);
  BOOST_TEST(agent.get("/api/v1/summary").status == 403);

  auto all = admin->get("/api/v1/events");
  BOOST_REQUIRE_EQUAL(all.status, 200);
  BOOST_TEST(all.body["items"].size() == 5u);  // three creations, a claim, a completion
  const auto second_id = all.body["items"][1]["id"].get<int64_t>();
  auto later = admin->get("/api/v1/events?after=" + std::to_string(second_id) + "&limit=2");
  BOOST_REQUIRE_EQUAL(later.body["items"].size(), 2u);
  BOOST_TEST(later.body["items"][0]["id"].get<int64_t>() > second_id);
  BOOST_TEST(agent.get("/api/v1/events").status == 403);
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods) {
  auto r = admin->get("/api/v1/nothing-here");
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.body["error"]["code"] == "not_found");
  auto m = admin->call("PUT", "/api/v1/ephemeral-work", "{}");
  BOOST_TEST(m.status == 405);
  BOOST_TEST(admin->get("/api/v1/ephemeral-work/not-a-uuid").status == 404);
}

BOOST_AUTO_TEST_CASE(auth_matrix) {
  const auto a = make_agent("a", {"gpu"});
  const auto b = make_agent("b", {"cpu"});
  const auto id = submit(build_work({"gpu"}));
  api_client none(broker.url());
  api_client bad(broker.url(), "brokkr_BRnotakey_0000000000000000000000000000");
  api_client garbage(broker.url(), "hello");
  auto agent_a = as(a);
  auto agent_b = as(b);

  // No key, bad key, malformed key: 401.
  BOOST_TEST(none.get("/api/v1/ephemeral-work").status == 401);
  BOOST_TEST(bad.get("/api/v1/ephemeral-work").status == 401);
  BOOST_TEST(garbage.get("/api/v1/ephemeral-work").status == 401);
  BOOST_TEST(none.get("/api/v1/ephemeral-work").body["error"]["code"] == "unauthenticated");
  // Agent key on admin routes: 403.
  BOOST_TEST(agent_a.post("/api/v1/ephemeral-work", build_work({"gpu"})).status == 403);
  BOOST_TEST(agent_a.del("/api/v1/ephemeral-work/" + id).status == 403);
  BOOST_TEST(agent_a.get("/api/v1/agents").status == 403);
  BOOST_TEST(agent_a.post("/api/v1/agents", {{"name", "x"}, {"cluster_name", "y"}}).status == 403);
  BOOST_TEST(agent_a.patch("/api/v1/agents/" + a.id, {{"status", "INACTIVE"}}).status == 403);
  BOOST_TEST(agent_a.put("/api/v1/agents/" + a.id + "/labels", {{"labels", {"x"}}}).status == 403);
  // An agent sees only its own record and work targeted at it.
  BOOST_TEST(agent_a.get("/api/v1/agents/" + a.id).status == 200);
  BOOST_TEST(agent_a.get("/api/v1/agents/" + b.id).status == 403);
  BOOST_TEST(agent_a.get("/api/v1/ephemeral-work/" + id).status == 200);
  BOOST_TEST(agent_b.get("/api/v1/ephemeral-work/" + id).status == 403);
  BOOST_TEST(agent_b.get("/api/v1/ephemeral-work/" + id + "/events").status == 403);
  BOOST_TEST(agent_b.get("/api/v1/agents/" + a.id + "/ephemeral-work/pending").status == 403);
  BOOST_TEST(agent_b.get("/api/v1/ephemeral-work?agent_id=" + a.id).status == 403);
  BOOST_TEST(agent_b.get("/api/v1/ephemeral-work").body["items"].empty());
  BOOST_TEST(agent_a.get("/api/v1/ephemeral-work").body["items"].size() == 1u);
  // Agent b may not claim work not targeted at it, nor act as agent a.
  BOOST_TEST(agent_b.post("/api/v1/ephemeral-work/" + id + "/claim").status == 403);
  BOOST_TEST(agent_b.post("/api/v1/ephemeral-work/" + id + "/claim", {{"agent_id", a.id}}).status == 403);
  // Agent a claims; b may neither heartbeat nor complete a's claim.
  auto claimed = agent_a.post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_REQUIRE(claimed.status == 200);
  BOOST_TEST(agent_b.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 403);
  BOOST_TEST(agent_b.post("/api/v1/ephemeral-work/" + id + "/heartbeat", {{"agent_id", a.id}, {"attempt", 1}}).status == 403);
  BOOST_TEST(status_of(id) == "CLAIMED");
  // Admin may act for an agent when it names it.
  BOOST_TEST(admin->post("/api/v1/ephemeral-work/" + id + "/heartbeat", {{"attempt", 1}}).status == 422);
  BOOST_TEST(admin->post("/api/v1/ephemeral-work/" + id + "/heartbeat", {{"agent_id", a.id}, {"attempt", 1}}).status == 200);
  // A deleted agent's key stops working.
  BOOST_TEST(admin->del("/api/v1/agents/" + b.id).status == 204);
  BOOST_TEST(eventually([&] { return agent_b.get("/api/v1/agents/" + b.id).status == 401; }, std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(work_creation_errors_name_the_field) {
  make_agent("a", {"gpu"});
  struct bad {
    json body;
    int status;
    std::string field;
  };
  const std::vector<bad> cases = {
      {build_work({"gpu"}, {{"work_type", "nope"}}), 422, "work_type"},
      {build_work({"gpu"}, {{"crd_spec", "key: [unclosed"}}), 422, "crd_spec"},
      {build_work({"gpu"}, {{"max_retries", -1}}), 422, "max_retries"},
      {build_work({"gpu"}, {{"max_retries", "three"}}), 422, "max_retries"},
      {build_work({"gpu"}, {{"ttl_seconds", 1e12}}), 422, "ttl_seconds"},
      {build_work({"gpu"}, {{"priority", 99999}}), 422, "priority"},
      {build_work({"gpu"}, {{"max_retry", 2}}), 422, "max_retry"},
      {{{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()}}, 422, "targets"},
      {build_work({}), 422, "targets"},
      {build_work({"has space"}), 422, "targets.labels[0]"},
      {{{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()}, {"targets", {{"agent_ids", {"123e4567-e89b-12d3-a456-426614174000"}}}}},
       422, "targets.agent_ids[0]"},
  };
  for (const auto& c : cases) {
    auto r = admin->post("/api/v1/ephemeral-work", c.body);
    BOOST_TEST(r.status == c.status, "for " << c.field << ": " << r.raw);
    BOOST_TEST(r.body["error"]["details"]["field"] == c.field, "for " << c.field << ": " << r.raw);
  }
  auto malformed = admin->post_raw("/api/v1/ephemeral-work", "{not json");
  BOOST_TEST(malformed.status == 422);
  BOOST_TEST(malformed.body["error"]["details"]["field"] == "body");
  auto huge = admin->post_raw("/api/v1/ephemeral-work", std::string(5 * 1024 * 1024, ' '));
  BOOST_TEST(huge.status == 413);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
}

BOOST_AUTO_TEST_CASE(agent_endpoints) {
  auto created = admin->post("/api/v1/agents", {{"name", "edge"}, {"cluster_name", "eu-1"}, {"labels", {"gpu"}},
                                                {"annotations", {{"region", "eu"}}}});
  BOOST_REQUIRE(created.status == 201);
  const std::string id = created.body["agent"]["id"];
  BOOST_TEST(std::string(created.body["key"]).rfind("brokkr_BR", 0) == 0);
  BOOST_TEST(admin->post("/api/v1/agents", {{"name", "edge"}, {"cluster_name", "eu-1"}}).status == 409);
  BOOST_TEST(admin->post("/api/v1/agents", {{"cluster_name", "eu-1"}}).body["error"]["details"]["field"] == "name");
  BOOST_TEST(admin->post("/api/v1/agents", {{"name", "x"}, {"cluster_name", "y"}, {"status", "ASLEEP"}}).status == 422);
  BOOST_TEST(admin->get("/api/v1/agents").body["items"].size() == 1u);
  BOOST_TEST(admin->get("/api/v1/agents?label=gpu").body["items"].size() == 1u);
  BOOST_TEST(admin->get("/api/v1/agents?status=INACTIVE").body["items"].empty());
  BOOST_TEST(admin->get("/api/v1/agents/" + id).body["annotations"]["region"] == "eu");
  BOOST_TEST(admin->patch("/api/v1/agents/" + id, {{"status", "INACTIVE"}}).body["status"] == "INACTIVE");
  BOOST_TEST(admin->patch("/api/v1/agents/" + id, {{"status", "maybe"}}).status == 422);
  BOOST_TEST(admin->put("/api/v1/agents/" + id + "/labels", {{"labels", {"a", "b"}}}).body["labels"] == json({"a", "b"}));
  BOOST_TEST(admin->post("/api/v1/agents/" + id + "/labels", {{"labels", {"c"}}}).body["labels"] == json({"a", "b", "c"}));
  BOOST_TEST(admin->del("/api/v1/agents/" + id + "/labels/a").body["labels"] == json({"b", "c"}));
  BOOST_TEST(admin->post("/api/v1/agents/" + id + "/labels", {{"labels", {"bad label"}}}).status == 422);
  BOOST_TEST(admin->put("/api/v1/agents/" + id + "/annotations", {{"annotations", {{"k", "v"}}}}).body["annotations"] ==
             json({{"k", "v"}}));
  BOOST_TEST(admin->post("/api/v1/agents/" + id + "/annotations", {{"annotations", {{"z", "1"}}}}).body["annotations"].size() == 2u);
  BOOST_TEST(admin->del("/api/v1/agents/" + id + "/annotations/k").body["annotations"] == json({{"z", "1"}}));
  auto agent = api_client(broker.url(), created.body["key"]);
  BOOST_TEST(agent.post("/api/v1/agents/" + id + "/heartbeat").status == 200);
  BOOST_TEST(admin->get("/api/v1/agents/" + id).body["last_heartbeat_at"].is_string());
  auto rotated = agent.post("/api/v1/agents/" + id + "/rotate-key");
  BOOST_REQUIRE(rotated.status == 200);
  auto renewed = api_client(broker.url(), rotated.body["key"]);
  BOOST_TEST(renewed.get("/api/v1/agents/" + id).status == 200);
  BOOST_TEST(eventually([&] { return agent.get("/api/v1/agents/" + id).status == 401; }, std::chrono::seconds(5)));
  BOOST_TEST(admin->del("/api/v1/agents/" + id).status == 204);
  BOOST_TEST(admin->get("/api/v1/agents/" + id).status == 404);
  BOOST_TEST(admin->del("/api/v1/agents/" + id).status == 404);
}

BOOST_AUTO_TEST_CASE(agent_call_errors) {
  const auto a = make_agent("a", {"gpu"});
  const auto id = submit(build_work({"gpu"}));
  auto agent = as(a);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/heartbeat", json::object()).body["error"]["details"]["field"] == "attempt");
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}}).body["error"]["details"]["field"] == "outcome");
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "DONE"}}).status == 422);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 409);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/claim", {{"bogus", 1}}).status == 422);
  auto c = agent.post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_REQUIRE(c.status == 200);
  BOOST_TEST(c.body["attempt"] == 1);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/claim").status == 409);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/heartbeat", {{"attempt", 7}}).status == 409);
  BOOST_TEST(agent.post("/api/v1/ephemeral-work/" + id + "/complete",
                        {{"attempt", 1}, {"outcome", "COMPLETED"}, {"result_details", "not an object"}})
                 .body["error"]["details"]["field"] == "result_details");
  BOOST_TEST(agent.get("/api/v1/agents/" + a.id + "/ephemeral-work/claimed").body["items"].size() == 1u);
  BOOST_TEST(agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next").status == 204);
  BOOST_TEST(agent.get("/api/v1/ephemeral-work?limit=0").status == 400);
  BOOST_TEST(agent.get("/api/v1/ephemeral-work?status=DONE").status == 400);
  auto purged = agent.get("/api/v1/ephemeral-work?cursor=00000000-0000-4000-8000-000000000000");
  BOOST_TEST(purged.status == 422);
  BOOST_TEST(purged.body["error"]["details"]["field"] == "cursor");
}

// One validator: every way the agent's parsers refuse a crd_spec is a 422 at submit, naming the
// same field, and nothing is stored.
BOOST_AUTO_TEST_CASE(every_spec_the_agent_would_refuse_is_a_422_at_submit) {
  make_agent("a", {"gpu"});
  const auto before = admin->get("/api/v1/ephemeral-work?limit=500").body["items"].size();
  for (const auto& c : malformed_specs()) {
    BOOST_TEST_CONTEXT(c.name) {
      auto r = admin->post("/api/v1/ephemeral-work",
                           {{"work_type", c.work_type}, {"crd_spec", c.spec}, {"targets", {{"labels", {"gpu"}}}}});
      BOOST_TEST(r.status == 422);
      BOOST_TEST(r.body["error"]["details"]["field"] == c.field);
    }
  }
  BOOST_TEST(admin->get("/api/v1/ephemeral-work?limit=500").body["items"].size() == before);
}

// Batched paths: claim-next with a limit claims several in one call; one request reports them all,
// each judged on its own.
BOOST_AUTO_TEST_CASE(claim_next_with_a_limit_and_a_batch_of_reports) {
  const auto a = make_agent("a", {"gpu"});
  for (int i = 0; i < 5; ++i) submit(build_work({"gpu"}));
  auto agent = as(a);
  auto claimed = agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next", {{"limit", 3}});
  BOOST_REQUIRE(claimed.status == 200);
  BOOST_REQUIRE_EQUAL(claimed.body["items"].size(), 3u);
  json reports = json::array();
  for (const auto& w : claimed.body["items"]) reports.push_back({{"id", w["id"]}, {"attempt", w["attempt"]}, {"outcome", "COMPLETED"}});
  reports.push_back({{"id", claimed.body["items"][0]["id"]}, {"attempt", 1}, {"outcome", "COMPLETED"}});  // twice
  reports.push_back({{"id", "00000000-0000-4000-8000-000000000000"}, {"attempt", 1}, {"outcome", "COMPLETED"}});
  auto done = agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/complete", {{"reports", reports}});
  BOOST_REQUIRE(done.status == 200);
  const auto& results = done.body["results"];
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  for (int i = 0; i < 3; ++i) BOOST_TEST(results[i]["status"] == "COMPLETED");
  BOOST_TEST(results[3]["error"]["code"] == "conflict");
  BOOST_TEST(results[4]["error"]["code"] == "not_found");
  // The rest in one more call; then nothing is left (200 with no items, not 204).
  auto rest = agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next", {{"limit", 100}});
  BOOST_TEST(rest.body["items"].size() == 2u);
  BOOST_TEST(agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next", {{"limit", 100}}).body["items"].empty());
  BOOST_TEST(agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next", {{"limit", 101}}).status == 422);
  BOOST_TEST(agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/complete", {{"reports", json::array()}}).status == 422);
  // Another agent's id in the path: refused whole.
  const auto b = make_agent("b", {"gpu"});
  BOOST_TEST(agent.post("/api/v1/agents/" + b.id + "/ephemeral-work/complete", {{"reports", reports}}).status == 403);
}

// Issue 14's observability: queue wait at each claim, run duration and end to end at each report,
// failures by reason; every agent's reports land in the same families whichever transport it uses.
BOOST_AUTO_TEST_CASE(lifecycle_histograms_and_failures_by_reason) {
  const auto a = make_agent("m", {"gpu"});
  const auto ok_id = submit(build_work({"gpu"}));
  const auto bad_id = submit(build_work({"gpu"}, {{"max_retries", 0}}));
  auto agent = as(a);
  auto claimed = agent.post("/api/v1/agents/" + a.id + "/ephemeral-work/claim-next", {{"limit", 2}});
  BOOST_REQUIRE_EQUAL(claimed.body["items"].size(), 2u);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + ok_id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 200);
  BOOST_REQUIRE(agent.post("/api/v1/ephemeral-work/" + bad_id + "/complete",
                           {{"attempt", 1}, {"outcome", "FAILED_RETRYABLE"}, {"failure_reason", "GitAuthInvalidKey"}})
                    .status == 200);
  BOOST_TEST(status_of(bad_id) == "FAILED_PERMANENT");  // no retries left
  const auto m = api_client(broker.url()).get("/metrics").raw;
  for (const char* line : {"brokkr_queue_wait_seconds_count{work_type=\"shipwright-build\"} 2",
                           "brokkr_run_duration_seconds_count{work_type=\"shipwright-build\",status=\"COMPLETED\"} 1",
                           "brokkr_run_duration_seconds_count{work_type=\"shipwright-build\",status=\"FAILED_PERMANENT\"} 1",
                           "brokkr_end_to_end_seconds_count{work_type=\"shipwright-build\",status=\"COMPLETED\"} 1",
                           "brokkr_failures_total{reason=\"GitAuthInvalidKey\"} 1"})
    BOOST_TEST(m.find(line) != std::string::npos, "missing " << line << " in\n" << m);
}

BOOST_AUTO_TEST_SUITE_END()

// --log-format json: every line the broker writes is one JSON object (a collector parses each line).
BOOST_AUTO_TEST_CASE(json_log_lines) {
  broker_fixture f({"--log-format", "json", "--log-level", "debug"});
  f.submit(build_work({"gpu"}));
  api_client(f.broker.url()).get("/version");
  f.broker.stop();
  const auto log = f.broker.log();
  std::istringstream lines(log);
  std::string line;
  int objects = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "not a JSON line: " << line << "\nin the whole log:\n" << log);
    BOOST_TEST(j.contains("ts"));
    BOOST_TEST(j.contains("level"));
    BOOST_TEST(j.contains("component"));
    BOOST_TEST(j.contains("msg"));
    ++objects;
  }
  BOOST_TEST(objects >= 2, log);  // at least the start and the stop
}

