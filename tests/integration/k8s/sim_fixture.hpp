#pragma once
// An in-process brokkr-sim-cluster on an ephemeral port and a k8s::client talking to it over HTTP.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "k8s/client.hpp"
#include "k8s/sim/sim_cluster.hpp"

namespace brokkr::k8s::testing {

using nlohmann::json;
using namespace std::chrono_literals;

inline sim::sim_config test_sim_config() {
  sim::sim_config c;
  c.default_namespace = "ci";
  c.default_duration = std::chrono::milliseconds(300);
  c.bookmark_interval = std::chrono::milliseconds(200);
  return c;
}

struct sim_fixture {
  explicit sim_fixture(sim::sim_config cfg = test_sim_config(), client_options opts = {})
      : sim(std::move(cfg)), port(start(sim)), api(sim.client_config(), opts) {}

  static uint16_t start(sim::sim_cluster& s) {
    auto p = s.start();
    BOOST_REQUIRE_MESSAGE(p.has_value(), (p ? std::string() : p.error()));
    return *p;
  }

  sim::sim_cluster sim;
  uint16_t port;
  client api;
};

// Polls `check` until it holds or `limit` passes (the wait is bounded, never asserted on).
inline bool eventually(const std::function<bool()>& check, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return check();
}

// The object once `pred` holds for it (null if it never did within the limit).
inline json wait_for(client& c, const resource& r, const std::string& ns, const std::string& name,
                     const std::function<bool(const json&)>& pred, std::chrono::milliseconds limit = 10s) {
  json last;
  eventually([&] {
    auto o = c.get(r, ns, name);
    if (!o) return false;
    last = *o;
    return pred(last);
  }, limit);
  return pred(last) ? last : json();
}

// True once the object is gone (404).
inline bool absent(client& c, const resource& r, const std::string& ns, const std::string& name) {
  auto o = c.get(r, ns, name);
  return !o && is_not_found(o.error());
}

inline bool has_completion(const json& o) {
  return o.contains("status") && o["status"].contains("completionTime");
}

inline json build_object(const std::string& name, json annotations = json::object(),
                         const std::string& strategy = "buildah-shipwright-managed-push") {
  return {{"apiVersion", "shipwright.io/v1beta1"},
          {"kind", "Build"},
          {"metadata", {{"name", name}, {"annotations", std::move(annotations)}}},
          {"spec", {{"source", {{"type", "Git"}, {"git", {{"url", "https://git.example.com/org/" + name}}}}},
                    {"strategy", {{"kind", "ClusterBuildStrategy"}, {"name", strategy}}},
                    {"output", {{"image", "registry.example.com/org/" + name + ":1"}}}}}};
}

inline json buildrun_object(const std::string& name, const std::string& build) {
  return {{"apiVersion", "shipwright.io/v1beta1"},
          {"kind", "BuildRun"},
          {"metadata", {{"name", name}}},
          {"spec", {{"build", {{"name", build}}}}}};
}

inline json configmap(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}}, {"data", {{"k", "v"}}}};
}

}  // namespace brokkr::k8s::testing
