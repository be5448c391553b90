// PostgreSQL stops for a few seconds under load and comes back: the broker recovers without a
// restart of its own, fails requests fast (503, never a hang) meanwhile, reports not-ready, and
// every acknowledged write is still there afterwards.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "tests/e2e/broker_resilience/invariants.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"

using namespace brokkr::test;
using nlohmann::json;

namespace {

void pg_ctl(const std::string& action) {
  const char* dir = std::getenv("BROKKR_PG_DIR");
  BOOST_REQUIRE_MESSAGE(dir, "BROKKR_PG_DIR is not set: run through scripts/test");
  const auto cmd = std::string(dir) + "/ctl " + action;
  BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd << " failed");
}

}  // namespace

BOOST_AUTO_TEST_CASE(database_outage_under_load) {
  test_database db;
  const auto dir = temp_dir("brokkr-outage");
  // No safety-net sweep within the test: the last check is the work-item actor's own timer.
  broker_process broker(db.url(), dir + "/admin.key", {"--claim-sweep-interval", "1h"});
  broker.start();
  const int pid = broker.proc().pid();
  api_client admin(broker.url(), broker.admin_key());
  auto agent = admin.post("/api/v1/agents", {{"name", "a"}, {"cluster_name", "c"}, {"labels", {"pool"}}});
  BOOST_REQUIRE(agent.status == 201);

  std::atomic<bool> stop{false}, outage{false};
  std::mutex m;
  std::vector<std::string> acknowledged;
  std::atomic<long> during_outage_503{0}, during_outage_other{0}, hung{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t)
    writers.emplace_back([&] {
      api_client c(broker.url(), broker.admin_key());
      c.timeout = std::chrono::seconds(20);  // "never hangs": no request may run into this
      while (!stop) {
        auto r = c.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                                                   {"targets", {{"labels", {"pool"}}}}});
        if (r.status == 201) {
          std::lock_guard<std::mutex> g(m);
          acknowledged.push_back(r.body["id"]);
        } else if (r.status == 0) {
          ++hung;
        } else if (outage) {
          (r.status == 503 ? during_outage_503 : during_outage_other)++;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });

  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  pg_ctl("stop");
  outage = true;
  api_client probe(broker.url());
  BOOST_TEST(eventually([&] { return probe.get("/readyz").status == 503; }, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  outage = false;
  pg_ctl("start");
  // Recovery without a restart: ready again, writes succeed again, same process.
  BOOST_TEST(eventually([&] { return probe.get("/readyz").status == 200; }, std::chrono::seconds(30)));
  const auto before = [&] {
    std::lock_guard<std::mutex> g(m);
    return acknowledged.size();
  }();
  BOOST_TEST(eventually([&] {
    std::lock_guard<std::mutex> g(m);
    return acknowledged.size() > before + 10;
  }, std::chrono::seconds(30)));
  stop = true;
  for (auto& t : writers) t.join();
  BOOST_TEST(broker.proc().running());
  BOOST_TEST(broker.proc().pid() == pid);

  BOOST_TEST_MESSAGE("acknowledged " << acknowledged.size() << ", 503 during the outage " << during_outage_503
                                     << ", other statuses " << during_outage_other << ", hung " << hung);
  BOOST_TEST(during_outage_503.load() > 0);
  BOOST_TEST(during_outage_other.load() == 0);
  BOOST_TEST(hung.load() == 0);
  for (const auto& id : acknowledged)
    BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE id = '" + id + "'") == 1, "lost " << id);
  // The actor side recovered too: a fresh claim's lease is expired by the broker's own timer.
  api_client a(broker.url(), agent.body["key"]);
  const std::string id = admin.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                                                               {"targets", {{"labels", {"pool"}}}}, {"lease_seconds", 3},
                                                               {"priority", 1000}})
                             .body["id"];
  auto claimed = a.post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_REQUIRE(claimed.status == 200);
  BOOST_TEST(eventually([&] { return admin.get("/api/v1/ephemeral-work/" + id).body["status"] == "FAILED_RETRYABLE"; },
                        std::chrono::seconds(20)));
  check_lifecycle_invariants(db);
}
