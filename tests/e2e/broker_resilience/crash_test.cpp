// kill -9 of the broker in the middle of load, then a restart: no item is lost, every item is in
// a state its history explains, acknowledged writes survived, and a lease that ran out while the
// broker was down is expired after the restart (timers are rehydrated from PostgreSQL).
#include <atomic>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "tests/e2e/broker_resilience/invariants.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"

using namespace brokkr::test;
using nlohmann::json;

BOOST_AUTO_TEST_CASE(kill_9_mid_load_then_restart) {
  test_database db;
  const auto dir = temp_dir("brokkr-crash");
  // The safety-net sweep first runs 30 s after a start, and the orphan must be expired within 20 s of
  // the restart: only a rehydrated work-item timer can do that. Draining the queue afterwards may
  // lean on the sweep too, as production does; the test prints what the sweep had to expire.
  // A quarter of the runs fail on purpose and each failure doubles the item's backoff (base 1 s): an
  // item unlucky seven times would wait 64 s, then 128 s, past the drain's 120 s. The cap keeps every
  // wait at 2 s.
  broker_process broker(db.url(), dir + "/admin.key", {"--claim-sweep-interval", "30s", "--backoff-cap", "2s"});
  broker.start();
  std::mutex url_mutex;
  std::string url = broker.url();
  auto current_url = [&] {
    std::lock_guard<std::mutex> g(url_mutex);
    return url;
  };
  api_client admin(url, broker.admin_key());

  constexpr int agents_n = 4, items_n = 200;
  std::vector<std::pair<std::string, std::string>> agents;  // id, key
  for (int i = 0; i < agents_n; ++i) {
    auto r = admin.post("/api/v1/agents", {{"name", "a" + std::to_string(i)}, {"cluster_name", "c"}, {"labels", {"pool"}}});
    BOOST_REQUIRE(r.status == 201);
    agents.emplace_back(r.body["agent"]["id"], r.body["key"]);
  }
  // A claim that will never be renewed: its 3 s lease runs out while the broker is dead.
  const json orphan_work = {{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                            {"targets", {{"agent_ids", {agents[0].first}}}}, {"lease_seconds", 3}};
  const std::string orphan = admin.post("/api/v1/ephemeral-work", orphan_work).body["id"];
  api_client first_agent(url, agents[0].second);
  BOOST_REQUIRE(first_agent.post("/api/v1/ephemeral-work/" + orphan + "/claim").status == 200);

  for (int i = 0; i < items_n; ++i)
    BOOST_REQUIRE(admin.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                                                        {"targets", {{"labels", {"pool"}}}}, {"backoff_base_seconds", 1},
                                                        {"max_retries", 50}})
                      .status == 201);

  // Load: agents claim and report; every acknowledged report is remembered.
  std::atomic<bool> stop{false};
  std::mutex acked_mutex;
  // id, attempt, status answered, and the phase (0 first broker, 1 down, 2 restarted) of the claim and of the answer
  std::vector<std::tuple<std::string, int, std::string, int, int>> acked;
  std::atomic<int> phase{0};
  std::atomic<long> transport_errors{0};
  std::vector<std::thread> load;
  for (int t = 0; t < agents_n; ++t)
    load.emplace_back([&, t] {
      std::mt19937 rng(t);
      while (!stop) {
        api_client c(current_url(), agents[t].second);
        c.timeout = std::chrono::seconds(5);
        const int claimed_in = phase;
        auto r = c.post("/api/v1/agents/" + agents[t].first + "/ephemeral-work/claim-next");
        if (r.status == 0) {
          ++transport_errors;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        if (r.status != 200) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        const std::string id = r.body["id"];
        const int attempt = r.body["attempt"];
        const auto outcome = rng() % 4 == 0 ? "FAILED_RETRYABLE" : "COMPLETED";
        auto done = c.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", attempt}, {"outcome", outcome}});
        if (done.status == 200) {
          // What was acknowledged is the status answered, not the outcome reported: a failure
          // past max_retries ends FAILED_PERMANENT (the orphan has the default 3 retries).
          std::lock_guard<std::mutex> g(acked_mutex);
          acked.emplace_back(id, attempt, done.body["status"].get<std::string>(), claimed_in, phase.load());
        }
      }
    });

  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  broker.kill9();
  phase = 1;
  BOOST_TEST(broker.exit_code().value_or(0) == 128 + 9);
  std::this_thread::sleep_for(std::chrono::seconds(4));  // the orphan's lease runs out meanwhile
  broker.start();
  {
    std::lock_guard<std::mutex> g(url_mutex);
    url = broker.url();
  }
  phase = 2;
  api_client admin2(broker.url(), broker.admin_key());
  // Rehydration expires the orphan's claim although no timer of the old process survived. Its retry
  // is due 2 s later (the cap) and agent a0 may claim it at once, so status and reason are read from
  // one answer.
  json expired;
  BOOST_TEST(eventually([&] {
    expired = admin2.get("/api/v1/ephemeral-work/" + orphan).body;
    return expired["status"] == "FAILED_RETRYABLE";
  }, std::chrono::seconds(20)));
  BOOST_TEST(expired["failure_reason"] == "ClaimExpired");
  // Let the load finish the queue on the new process.
  const bool drained = eventually([&] {
    return db.count("SELECT count(*) FROM ephemeral_work WHERE status NOT IN ('COMPLETED') AND id <> '" + orphan + "'") == 0;
  }, std::chrono::seconds(120));
  if (!drained)
    for (const char* s : {"PENDING", "CLAIMED", "FAILED_RETRYABLE", "FAILED_PERMANENT"})
      BOOST_TEST_MESSAGE(s << ": " << db.count(std::string("SELECT count(*) FROM ephemeral_work WHERE status = '") + s +
                                                "' AND id <> '" + orphan + "'")
                           << ", of them past their lease " << db.count(std::string("SELECT count(*) FROM ephemeral_work WHERE status = '") + s +
                                                "' AND lease_expires_at < now() AND id <> '" + orphan + "'")
                           << ", past their retry time " << db.count(std::string("SELECT count(*) FROM ephemeral_work WHERE status = '") + s +
                                                "' AND next_retry_after < now() AND id <> '" + orphan + "'"));
  if (!drained) {
    std::istringstream log(broker.log());
    for (std::string line; std::getline(log, line);)
      if (line.find("WARN") != std::string::npos || line.find("ERROR") != std::string::npos ||
          line.find("warn") != std::string::npos || line.find("error") != std::string::npos)
        BOOST_TEST_MESSAGE("broker: " << line);
    BOOST_TEST_MESSAGE("stuck (now " << db.scalar("SELECT now()::text") << "):\n"
                       << db.scalar("SELECT string_agg(format('%s %s by %s lease %s retry %s retries %s', id, status, "
                                    "claimed_by, lease_expires_at, next_retry_after, retry_count), E'\\n') FROM "
                                    "(SELECT * FROM ephemeral_work WHERE status <> 'COMPLETED' LIMIT 5) w"));
  }
  BOOST_TEST(drained);
  std::istringstream metrics(admin2.get("/metrics").raw);
  for (std::string line; std::getline(metrics, line);)
    if (line.rfind("brokkr_claim_expirations_total", 0) == 0) BOOST_TEST_MESSAGE("expired by the sweep: " << line);
  stop = true;
  for (auto& t : load) t.join();

  BOOST_TEST_MESSAGE("acknowledged reports " << acked.size() << ", transport errors during the crash " << transport_errors);
  BOOST_TEST(transport_errors.load() > 0);  // the crash really happened under load
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == items_n + 1);
  // Every acknowledged report is in the history.
  for (const auto& [id, attempt, status, claimed_in, answered_in] : acked) {
    const auto found = db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + id + "' AND attempt = " +
                                std::to_string(attempt) + " AND from_status = 'CLAIMED' AND to_status = '" + status + "'");
    BOOST_TEST(found == 1, "acknowledged " << status << " of " << id << " attempt " << attempt << " is in the history "
                                           << found << " times (claimed in phase " << claimed_in << ", answered in phase " << answered_in
                                           << "); its history:\n"
                                           << db.scalar("SELECT string_agg(format('%s %s %s->%s attempt %s by %s: %s %s', id, "
                                                        "at, from_status, to_status, attempt, agent_id, reason, message), "
                                                        "E'\\n' ORDER BY id) FROM ephemeral_work_events WHERE work_id = '" + id + "'"));
  }
  check_lifecycle_invariants(db);
}
