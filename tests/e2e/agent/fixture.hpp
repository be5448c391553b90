#pragma once
// End to end with real processes: PostgreSQL (from scripts/test), brokkr-broker, one
// brokkr-sim-cluster per "cluster", and brokkr-agent per cluster.
#include <csignal>
#include <fstream>
#include <map>

#include "k8s/client.hpp"
#include "k8s/cluster_config.hpp"
#include "tests/e2e/broker/fixture.hpp"

namespace brokkr::test {

struct sim_cluster_process {
  std::unique_ptr<child_process> proc;
  std::string kubeconfig;
  std::unique_ptr<k8s::client> client;

  sim_cluster_process(const std::string& dir, const std::string& name) {
    kubeconfig = dir + "/" + name + ".kubeconfig";
    proc = std::make_unique<child_process>(
        std::vector<std::string>{binary("k8s/sim/brokkr-sim-cluster"), "--listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                                 "--namespace", "ci", "--name", name},
        dir + "/" + name + ".log");
    BOOST_REQUIRE_MESSAGE(!wait_for_file(kubeconfig, std::chrono::seconds(30)).empty(), proc->log());
    auto cfg = k8s::load_kubeconfig(kubeconfig);
    BOOST_REQUIRE(cfg.has_value());
    client = std::make_unique<k8s::client>(*cfg);
    // What an operator installs with Shipwright (docs/shipwright-install.md): the builds' account.
    auto sa = client->create(k8s::resources::serviceaccounts, "ci",
                             {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "builder-sa"}}}});
    BOOST_REQUIRE(sa.has_value());
  }

  // SIGTERM, not the SIGKILL of child_process's destructor: a clean exit (and coverage data).
  ~sim_cluster_process() {
    proc->signal(SIGTERM);
    proc->wait(std::chrono::seconds(10));
  }

  // Without a requirement, for failure messages: the cluster may be the part that broke.
  auto list_buildruns_of(const std::string& work_id) {
    k8s::list_options o;
    o.label_selector = "brokkr.io/work-id=" + work_id;
    return client->list(k8s::resources::buildruns, "ci", o);
  }

  std::vector<nlohmann::json> buildruns_of(const std::string& work_id) {
    auto l = list_buildruns_of(work_id);
    BOOST_REQUIRE(l.has_value());
    return l->items;
  }
};

struct agent_process {
  std::string name, dir, key_file, kubeconfig;
  std::vector<std::string> flags;
  std::unique_ptr<child_process> proc;
  int starts = 0;
  uint16_t health_port = 0;

  void start() {
    const auto ready = dir + "/" + name + "-ready-" + std::to_string(++starts);
    std::vector<std::string> argv = {binary("agent_node/brokkr-agent"), "--key-file", key_file, "--kubeconfig", kubeconfig,
                                     "--health-listen", "127.0.0.1:0", "--poll-interval-seconds", "1", "--ready-file", ready};
    argv.insert(argv.end(), flags.begin(), flags.end());
    proc = std::make_unique<child_process>(argv, dir + "/" + name + ".log");
    const auto text = wait_for_file(ready, std::chrono::seconds(30));
    BOOST_REQUIRE_MESSAGE(!text.empty(), proc->log());
    health_port = nlohmann::json::parse(text)["health_port"];
  }
  void kill9() {
    proc->signal(SIGKILL);
    proc->wait(std::chrono::seconds(10));
  }
  ~agent_process() {
    if (!proc) return;
    proc->signal(SIGTERM);
    proc->wait(std::chrono::seconds(25));
  }
  std::string log() const { return proc ? proc->log() : ""; }
};

struct agent_env : broker_fixture {
  std::map<std::string, std::unique_ptr<sim_cluster_process>> sims;
  std::map<std::string, agent_handle> agents;

  // Later flags win: extra_flags may override the grace period.
  explicit agent_env(std::vector<std::string> extra_flags = {}) : broker_fixture(with_grace(std::move(extra_flags))) {}
  static std::vector<std::string> with_grace(std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--agent-grace-period", "2s"});
    return extra;
  }

  sim_cluster_process& sim(const std::string& name) {
    auto& s = sims[name];
    if (!s) s = std::make_unique<sim_cluster_process>(dir, name);
    return *s;
  }

  // Registers an agent for cluster `cluster` (its own sim) and returns its process, not started.
  std::unique_ptr<agent_process> agent(const std::string& name, std::vector<std::string> labels, const std::string& cluster,
                                       std::vector<std::string> extra = {}) {
    auto handle = make_agent(name, labels);
    agents[name] = handle;
    auto p = std::make_unique<agent_process>();
    p->name = name;
    p->dir = dir;
    p->key_file = dir + "/" + name + ".key";
    std::ofstream(p->key_file) << handle.key << "\n";
    p->kubeconfig = sim(cluster).kubeconfig;
    p->flags = {"--broker-caf", "127.0.0.1:" + std::to_string(broker.caf_port()), "--broker-url", broker.url()};
    p->flags.insert(p->flags.end(), extra.begin(), extra.end());
    return p;
  }

  bool wait_status(const std::string& id, const std::string& status, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    return eventually([&] { return status_of(id) == status; }, timeout);
  }

  // For an item that did not end as it should: what the agent and the cluster logged, and what the
  // item, its events and its BuildRuns held, so that the failure says which side lost the run.
  // The logs first: when a run is lost, reading the cluster or the broker may fail too.
  std::string what_happened_to(const std::string& id, const agent_process& a, const std::string& cluster) {
    const auto sim_log = sim(cluster).proc->log();
    std::string why = a.log() + "\nthe simulated cluster's log (end):\n" +
                      sim_log.substr(sim_log.size() > 6000 ? sim_log.size() - 6000 : 0);
    const auto item = admin->get("/api/v1/ephemeral-work/" + id);
    const auto events = admin->get("/api/v1/ephemeral-work/" + id + "/events");
    why += "\nthe item (HTTP " + std::to_string(item.status) + "): " + item.raw + "\nits events (HTTP " +
           std::to_string(events.status) + "): " + events.raw + "\nits BuildRuns in " + cluster + ":";
    const auto runs = sim(cluster).list_buildruns_of(id);
    if (!runs) return why + " not listed: " + runs.error().message;
    for (const auto& br : runs->items) why += "\n" + br.dump();
    return why;
  }
};

// A Build manifest with simulated-cluster knobs as annotations (DESIGN.md section 10).
inline std::string build_with(const std::string& name, const std::map<std::string, std::string>& knobs = {},
                              const std::string& strategy = "buildah-shipwright-managed-push") {
  std::string s = "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: " + name + "\n  namespace: ci\n";
  if (!knobs.empty()) {
    s += "  annotations:\n";
    for (const auto& [k, v] : knobs) s += "    sim.brokkr.io/" + k + ": \"" + v + "\"\n";
  }
  s += "spec:\n  source:\n    type: Git\n    git:\n      url: https://git.example.com/org/" + name +
       "\n  strategy:\n    kind: ClusterBuildStrategy\n    name: " + strategy +
       "\n  output:\n    image: registry.example.com/org/" + name + ":1\n";
  return s;
}

inline nlohmann::json build_request(const std::string& spec, std::vector<std::string> labels,
                                    nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"work_type", "shipwright-build"}, {"crd_spec", spec}, {"targets", {{"labels", std::move(labels)}}}};
  for (auto& [k, v] : extra.items()) j[k] = v;
  return j;
}

}  // namespace brokkr::test
