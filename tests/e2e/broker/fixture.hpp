#pragma once
// A real brokkr-broker process on a fresh database, and helpers that drive it over HTTP.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

namespace brokkr::test {

struct agent_handle {
  std::string id;
  std::string key;
};

inline nlohmann::json build_work(std::vector<std::string> labels, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"work_type", "shipwright-build"},
                      {"crd_spec", sample_build_spec()},
                      {"targets", {{"labels", std::move(labels)}}}};
  for (auto& [k, v] : extra.items()) j[k] = v;
  return j;
}

struct broker_fixture {
  test_database db;
  std::string dir = temp_dir("brokkr-e2e");
  broker_process broker;
  std::unique_ptr<api_client> admin;

  explicit broker_fixture(std::vector<std::string> extra_flags = {})
      : broker(db.url(), dir + "/admin.key", std::move(extra_flags)) {
    broker.start();
    admin = std::make_unique<api_client>(broker.url(), broker.admin_key());
  }

  agent_handle make_agent(const std::string& name, std::vector<std::string> labels = {}) {
    auto r = admin->post("/api/v1/agents", {{"name", name}, {"cluster_name", "c-" + name}, {"labels", labels}});
    BOOST_REQUIRE_MESSAGE(r.status == 201, "agent create: " << r.status << " " << r.raw);
    return {r.body["agent"]["id"], r.body["key"]};
  }

  std::string submit(const nlohmann::json& work) {
    auto r = admin->post("/api/v1/ephemeral-work", work);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "submit: " << r.status << " " << r.raw);
    return r.body["id"];
  }

  nlohmann::json get(const std::string& id) {
    auto r = admin->get("/api/v1/ephemeral-work/" + id);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "get: " << r.status << " " << r.raw);
    return r.body;
  }

  std::string status_of(const std::string& id) { return get(id)["status"]; }

  api_client as(const agent_handle& a) { return api_client(broker.url(), a.key); }
};

}  // namespace brokkr::test
