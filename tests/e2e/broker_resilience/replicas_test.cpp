// Two broker processes on one database: 8 HTTP claimers spread across both claim 1,000 items
// exactly once, a transition made through one broker reaches a follower on the other, and an agent
// connected over CAF to one broker hears of work and cancels submitted through the other.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/e2e/caf/fixture.hpp"
#include "tests/e2e/broker_resilience/invariants.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"

using namespace brokkr::test;
using nlohmann::json;

struct two_brokers {
  test_database db;
  std::string dir = temp_dir("brokkr-replicas");
  broker_process a{db.url(), dir + "/admin.key"};
  broker_process b{db.url(), dir + "/admin.key"};
  two_brokers() {
    a.start();
    b.start();
  }
};

BOOST_FIXTURE_TEST_SUITE(replicas, two_brokers)

BOOST_AUTO_TEST_CASE(eight_claimers_across_two_brokers_claim_each_item_once) {
  constexpr int claimers = 8, items_n = 1000;
  api_client admin(a.url(), a.admin_key());
  std::vector<std::pair<std::string, std::string>> agents;
  for (int i = 0; i < claimers; ++i) {
    auto r = admin.post("/api/v1/agents", {{"name", "a" + std::to_string(i)}, {"cluster_name", "c"}, {"labels", {"pool"}}});
    BOOST_REQUIRE(r.status == 201);
    agents.emplace_back(r.body["agent"]["id"], r.body["key"]);
  }
  std::vector<std::thread> creators;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t)
    creators.emplace_back([&, t] {
      api_client c(t % 2 ? a.url() : b.url(), a.admin_key());
      for (int i = 0; i < items_n / 4; ++i)
        if (c.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"}, {"crd_spec", sample_build_spec()},
                                              {"targets", {{"labels", {"pool"}}}}})
                .status == 201)
          ++created;
    });
  for (auto& t : creators) t.join();
  BOOST_REQUIRE_EQUAL(created.load(), items_n);

  std::vector<std::vector<std::string>> claimed(claimers);
  std::atomic<long> errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < claimers; ++t)
    ts.emplace_back([&, t] {
      api_client c(t % 2 ? a.url() : b.url(), agents[t].second);
      for (;;) {
        auto r = c.post("/api/v1/agents/" + agents[t].first + "/ephemeral-work/claim-next");
        if (r.status == 204) break;
        if (r.status != 200) {
          ++errors;
          continue;
        }
        claimed[t].push_back(r.body["id"]);
      }
    });
  for (auto& t : ts) t.join();
  std::multiset<std::string> all;
  size_t via_a = 0, via_b = 0;
  for (int t = 0; t < claimers; ++t) {
    all.insert(claimed[t].begin(), claimed[t].end());
    (t % 2 ? via_a : via_b) += claimed[t].size();
  }
  BOOST_TEST_MESSAGE("claims through broker A " << via_a << ", through broker B " << via_b);
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(all.size() == static_cast<size_t>(items_n));
  BOOST_TEST(std::set<std::string>(all.begin(), all.end()).size() == static_cast<size_t>(items_n));
  BOOST_TEST(via_a > 0u);
  BOOST_TEST(via_b > 0u);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'CLAIMED' AND attempt = 1") == items_n);
  check_lifecycle_invariants(db);
}

BOOST_AUTO_TEST_CASE(a_transition_through_one_broker_reaches_a_follower_on_the_other) {
  api_client admin_a(a.url(), a.admin_key());
  auto agent = admin_a.post("/api/v1/agents", {{"name", "x"}, {"cluster_name", "c"}, {"labels", {"pool"}}});
  const std::string id = admin_a.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"},
                                                                 {"crd_spec", sample_build_spec()},
                                                                 {"targets", {{"labels", {"pool"}}}}})
                             .body["id"];
  std::atomic<int> lines{0};
  std::string last;  // read only after join
  bool streamed = false;
  std::thread follower([&] {
    api_client on_b(b.url(), b.admin_key());
    on_b.timeout = std::chrono::seconds(60);
    streamed = on_b.stream_lines("/api/v1/ephemeral-work/" + id + "/events?follow=1", [&](const json& line) {
      last = line["to_status"];
      ++lines;
    });
  });
  BOOST_REQUIRE(eventually([&] { return lines.load() >= 1; }, std::chrono::seconds(10)));
  api_client agent_on_a(a.url(), agent.body["key"]);
  BOOST_REQUIRE(agent_on_a.post("/api/v1/ephemeral-work/" + id + "/claim").status == 200);
  BOOST_TEST(eventually([&] { return lines.load() >= 2; }, std::chrono::seconds(3)));  // pushed, not polled (poll is 5 s)
  BOOST_REQUIRE(agent_on_a.post("/api/v1/ephemeral-work/" + id + "/complete", {{"attempt", 1}, {"outcome", "COMPLETED"}}).status == 200);
  follower.join();
  BOOST_TEST(streamed);
  BOOST_TEST(lines.load() == 3);
  BOOST_TEST(last == "COMPLETED");
}

BOOST_AUTO_TEST_CASE(an_agent_on_one_broker_hears_of_work_and_cancels_made_through_the_other) {
  api_client admin_a(a.url(), a.admin_key());
  auto agent = admin_a.post("/api/v1/agents", {{"name", "x"}, {"cluster_name", "c"}, {"labels", {"pool"}}});
  BOOST_REQUIRE(agent.status == 201);
  caf_node node;
  auto log = std::make_shared<push_log>();
  auto login = brokkr::login_agent(node.sys(), node.gateway(b.caf_port()), agent.body["key"], node.recording_link(log));
  BOOST_REQUIRE_MESSAGE(login.has_value(), (login ? std::string() : login.error()));
  const std::string id = admin_a.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"},
                                                                 {"crd_spec", sample_build_spec()},
                                                                 {"targets", {{"labels", {"pool"}}}}})
                             .body["id"];
  BOOST_REQUIRE(log->wait_available(id, std::chrono::seconds(10)));
  auto claimed = node.ask<brokkr::work_item>(login->session, brokkr::claim_atom::value, login->token, id);
  BOOST_REQUIRE(claimed.has_value());
  BOOST_REQUIRE(admin_a.del("/api/v1/ephemeral-work/" + id).status == 202);
  BOOST_TEST(log->wait_cancel(id, std::chrono::seconds(10)));
}

BOOST_AUTO_TEST_SUITE_END()
