// Issue 13 goal 6, the fleet end to end: one brokkr-broker, N simulated clusters (K to a
// brokkr-sim-cluster process, --clusters-per-sim, each cluster on its own port) and N real
// brokkr-agent processes over CAF, B Shipwright builds of 1 s submitted to
// the whole fleet at once (targeted by label), until every one is COMPLETED. Prints builds per hour,
// a submit's latency, why failed builds failed (a few of them), the broker's CPU per build, and each
// kind of process's memory (resident, and proportional: a page shared by processes counts once in
// their sum). Not a test: it asserts
// nothing and CI does not run it (docs/benchmarks.md). Needs the PostgreSQL of scripts/bench.
//
//   bench_fleet [--clusters N] [--builds N] [--concurrency N] [--clusters-per-sim K]
//               [--agent-log-level L] [--idle-seconds N] [--caf-heartbeat-interval D]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include "k8s/client.hpp"
#include "k8s/cluster_config.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/broker_process.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;
using clk = std::chrono::steady_clock;

namespace {

// Thrown, not exited: unwinding run()'s frame stops the broker, the agents and the simulators,
// which an exit left running (1,000 agents reconnecting to nothing).
[[noreturn]] void die(const std::string& what) { throw std::runtime_error(what); }

// What an answer that is not the one expected says: the status, or why there was none.
std::string answer_of(const test::api_response& r) {
  return r.status == 0 ? "no answer (" + r.transport_error + ")" : std::to_string(r.status) + " " + r.body.dump();
}

struct cluster {
  std::string name, kubeconfig, agent_id;
  std::unique_ptr<test::child_process> agent;
};

std::string build_spec(int n) {
  const auto name = "fleet-" + std::to_string(n);
  return "apiVersion: shipwright.io/v1beta1\nkind: Build\nmetadata:\n  name: " + name +
         "\n  namespace: fleet\n  annotations:\n    sim.brokkr.io/duration: \"1s\"\nspec:\n  source:\n    type: Git\n"
         "    git:\n      url: https://git.example.com/org/" + name +
         "\n  strategy:\n    kind: ClusterBuildStrategy\n    name: buildah-shipwright-managed-push\n  output:\n"
         "    image: registry.example.com/org/" + name + ":1\n";
}

std::string tail(const std::string& text, size_t n) { return text.size() <= n ? text : text.substr(text.size() - n); }

// Context switches of every thread of process `pid` so far (voluntary and not): an idle agent's cost
// is mostly its wakeups.
long context_switches(int pid) {
  long n = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);)
      if (line.find("ctxt_switches:") != std::string::npos) n += std::stol(line.substr(line.find(':') + 1));
  }
  return n;
}

// The agents' CPU seconds and context switches, summed.
std::pair<double, long> agents_cost(const std::vector<cluster>& fleet) {
  std::pair<double, long> sum{0, 0};
  for (const auto& c : fleet) {
    sum.first += test::cpu_seconds(c.agent->pid());
    sum.second += context_switches(c.agent->pid());
  }
  return sum;
}

// The lines of `text` that contain `needle`, at most `max` of them (the last ones).
std::string lines_naming(const std::string& text, const std::string& needle, size_t max) {
  std::vector<std::string> hits;
  for (size_t at = 0; at < text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    if (text.substr(at, end - at).find(needle) != std::string::npos) hits.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  std::string out;
  for (size_t i = hits.size() > max ? hits.size() - max : 0; i < hits.size(); ++i) out += "      " + hits[i] + "\n";
  return out;
}

// Its transitions, and what the agents that claimed it logged about it: whether a claimer started
// it at all tells a lost claim answer from a run whose heartbeats stopped.
void explain(test::api_client& admin, const std::vector<cluster>& fleet, const std::string& id) {
  const auto events = admin.get("/api/v1/ephemeral-work/" + id + "/events");
  if (events.status != 200 || !events.body.contains("items")) return (void)std::printf("    events: %s\n", answer_of(events).c_str());
  std::vector<std::string> claimers;
  for (const auto& e : events.body["items"]) {
    const auto agent = e["agent_id"].is_string() ? e["agent_id"].get<std::string>() : "";
    std::printf("    %s %s -> %s%s%s\n", e.value("at", "").c_str(),
                e["from_status"].is_string() ? e["from_status"].get<std::string>().c_str() : "-",
                e.value("to_status", "").c_str(), agent.empty() ? "" : " by ", agent.c_str());
    if (!agent.empty() && std::find(claimers.begin(), claimers.end(), agent) == claimers.end()) claimers.push_back(agent);
  }
  for (const auto& agent : claimers)
    for (const auto& c : fleet)
      if (c.agent_id == agent) {
        const auto said = lines_naming(c.agent->log(), id, 8);
        std::printf("    the agent of %s: %s", c.name.c_str(),
                    said.empty() ? "its log never names the item\n" : ("\n" + said).c_str());
      }
}

}  // namespace

int run(int argc, char** argv) {
  int clusters = 20, builds = 1000, concurrency = 10, per_sim = 1;
  int idle_seconds = 10;
  std::string agent_log_level = "warn", heartbeat = "1s";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--clusters" && i + 1 < argc) clusters = std::stoi(argv[++i]);
    else if (a == "--builds" && i + 1 < argc) builds = std::stoi(argv[++i]);
    else if (a == "--concurrency" && i + 1 < argc) concurrency = std::stoi(argv[++i]);
    else if (a == "--clusters-per-sim" && i + 1 < argc) per_sim = std::stoi(argv[++i]);
    else if (a == "--agent-log-level" && i + 1 < argc) agent_log_level = argv[++i];
    else if (a == "--idle-seconds" && i + 1 < argc) idle_seconds = std::stoi(argv[++i]);
    else if (a == "--caf-heartbeat-interval" && i + 1 < argc) heartbeat = argv[++i];
    else die("unknown argument " + a +
             " (--clusters N, --builds N, --concurrency N, --clusters-per-sim K, --agent-log-level LEVEL, --idle-seconds N, "
             "--caf-heartbeat-interval DURATION)");
  }
  if (clusters < 1 || builds < 1 || concurrency < 1 || per_sim < 1 || idle_seconds < 1) die("every count must be at least 1");
  // Each cluster is two processes with a few sockets each; the broker holds one CAF connection per agent.
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  test::test_database db;
  const auto dir = test::temp_dir("brokkr-fleet");
  test::broker_process broker(db.url(), dir + "/admin.key", {"--db-pool-size", "4", "--caf-heartbeat-interval", heartbeat});
  broker.start();
  test::api_client admin(broker.url(), broker.admin_key());

  std::vector<cluster> fleet(clusters);
  std::vector<std::unique_ptr<test::child_process>> sims;
  const auto t_start = clk::now();
  for (int first = 0; first < clusters; first += per_sim) {
    const int n = std::min(per_sim, clusters - first);
    const auto sim_name = "s" + std::to_string(sims.size());
    for (int k = 0; k < n; ++k) {
      auto& c = fleet[first + k];
      c.name = n == 1 ? sim_name : sim_name + "-" + std::to_string(k);
      c.kubeconfig = dir + "/" + c.name + ".kubeconfig";
    }
    sims.push_back(std::make_unique<test::child_process>(
        std::vector<std::string>{test::binary("k8s/sim/brokkr-sim-cluster"), "--listen", "127.0.0.1:0", "--clusters",
                                 std::to_string(n), "--kubeconfig-out",
                                 dir + "/" + sim_name + (n == 1 ? "" : "-{i}") + ".kubeconfig", "--namespace", "fleet",
                                 "--name", sim_name, "--log-level", "warn"},
        dir + "/" + sim_name + "-sim.log"));
    if (test::wait_for_file(fleet[first + n - 1].kubeconfig, std::chrono::seconds(120)).empty())
      die("sim " + sim_name + ": " + sims.back()->log());
  }
  for (int i = 0; i < clusters; ++i) {
    const auto& name = fleet[i].name;
    const auto& kubeconfig = fleet[i].kubeconfig;
    auto cfg = k8s::load_kubeconfig(kubeconfig);
    if (!cfg) die("kubeconfig of " + name);
    k8s::client kc(*cfg);
    if (!kc.create(k8s::resources::serviceaccounts, "fleet",
                   {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "builder-sa"}}}}))
      die("service account in " + name);

    auto a = admin.post("/api/v1/agents", {{"name", "agent-" + name}, {"cluster_name", name}, {"labels", {"fleet"}}});
    if (a.status != 201) die("register agent " + name + ": " + answer_of(a));
    fleet[i].agent_id = a.body["agent"].value("id", "");
    const auto key_file = dir + "/" + name + ".key";
    std::ofstream(key_file) << std::string(a.body["key"]) << "\n";
    const auto ready = dir + "/" + name + ".ready";
    fleet[i].agent = std::make_unique<test::child_process>(
        std::vector<std::string>{test::binary("agent_node/brokkr-agent"), "--key-file", key_file, "--kubeconfig", kubeconfig,
                                 "--broker-caf", "127.0.0.1:" + std::to_string(broker.caf_port()), "--broker-url",
                                 broker.url(), "--health-listen", "127.0.0.1:0", "--ready-file", ready,
                                 "--max-concurrent-work", std::to_string(concurrency), "--log-level", agent_log_level,
                                 "--caf-heartbeat-interval", heartbeat,
                                 "--caf-threads", "1"},
        dir + "/" + name + "-agent.log");
    if (test::wait_for_file(ready, std::chrono::seconds(60)).empty()) die("agent " + name + ": " + fleet[i].agent->log());
  }
  const double start_secs = std::chrono::duration<double>(clk::now() - t_start).count();
  std::printf("fleet: %d clusters (%zu brokkr-sim-cluster processes, one brokkr-agent each) up in %.1f s\n", clusters,
              sims.size(), start_secs);

  const int bpid = broker.proc().pid();
  // What holding the sessions costs with no work: heartbeats, presence and leases only.
  const double idle_cpu0 = test::cpu_seconds(bpid);
  const auto agents0 = agents_cost(fleet);
  const auto idle_t0 = clk::now();
  std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
  const double idle_secs = std::chrono::duration<double>(clk::now() - idle_t0).count();
  std::printf("  idle with %d agent sessions: broker CPU %.1f %% of one core over %.0f s, RSS %.0f MiB\n", clusters,
              100 * (test::cpu_seconds(bpid) - idle_cpu0) / idle_secs, idle_secs, test::rss_kib(bpid) / 1024.0);
  const auto agents1 = agents_cost(fleet);
  std::printf("  each idle agent: %.2f ms of CPU and %.1f context switches per second\n",
              1000 * (agents1.first - agents0.first) / idle_secs / clusters,
              double(agents1.second - agents0.second) / idle_secs / clusters);

  const double cpu0 = test::cpu_seconds(bpid);
  const auto t0 = clk::now();
  std::vector<std::string> ids;
  ids.reserve(builds);
  std::vector<double> submit_ms;
  submit_ms.reserve(builds);
  for (int n = 0; n < builds; ++n) {
    const auto s0 = clk::now();
    auto r = admin.post("/api/v1/ephemeral-work", {{"work_type", "shipwright-build"}, {"crd_spec", build_spec(n)},
                                                     {"targets", {{"labels", {"fleet"}}}}, {"max_retries", 0}});
    if (r.status != 201) die("submit " + std::to_string(n + 1) + " of " + std::to_string(builds) + ": " + answer_of(r) +
                             "\nthe broker's log ends:\n" + tail(broker.log(), 4000));
    ids.push_back(r.body["id"]);
    submit_ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - s0).count());
  }
  const double submit_secs = std::chrono::duration<double>(clk::now() - t0).count();
  std::sort(submit_ms.begin(), submit_ms.end());

  // Done when no item is live any more; the summary endpoint counts by status.
  long completed = 0, failed = 0;
  double broker_peak_rss = 0;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    broker_peak_rss = std::max(broker_peak_rss, double(test::rss_kib(bpid)));
    auto s = admin.get("/api/v1/summary");
    if (s.status != 200) die("summary: " + answer_of(s));
    const auto& by = s.body["by_status"];
    auto count = [&](const char* k) { return by.contains(k) ? by[k].get<long>() : 0L; };
    completed = count("COMPLETED");
    failed = count("FAILED_PERMANENT") + count("FAILED_RETRYABLE") + count("CANCELED");
    if (count("PENDING") + count("CLAIMED") == 0 && completed + failed >= builds) break;
    if (std::chrono::duration<double>(clk::now() - t0).count() > 1800) die("not done after 30 minutes");
  }
  const double secs = std::chrono::duration<double>(clk::now() - t0).count();
  const double cpu = test::cpu_seconds(bpid) - cpu0;
  // A failed build is a finding, not noise: say why, for a few of them.
  if (failed > 0) {
    auto f = admin.get("/api/v1/ephemeral-work?status=FAILED_PERMANENT,FAILED_RETRYABLE,CANCELED&limit=5");
    if (f.status == 200 && f.body.contains("items"))
      for (const auto& w : f.body["items"])
      {
        const auto id = w.value("id", "");
        std::printf("  failed: %s after %d attempt(s): %s: %s\n", id.c_str(), w.value("attempt", 0),
                    w["failure_reason"].is_string() ? w["failure_reason"].get<std::string>().c_str() : "-",
                    w["result_message"].is_string() ? w["result_message"].get<std::string>().c_str() : "-");
        explain(admin, fleet, id);
      }
  }

  long sim_rss = 0, sim_pss = 0, agent_rss = 0, agent_pss = 0;
  for (auto& sim : sims) {
    sim_rss += test::rss_kib(sim->pid());
    sim_pss += test::pss_kib(sim->pid());
  }
  for (auto& c : fleet) {
    agent_rss += test::rss_kib(c.agent->pid());
    agent_pss += test::pss_kib(c.agent->pid());
  }
  std::printf("%d builds of 1 s (up to %d at once per agent): %ld completed, %ld failed, in %.1f s (submits took %.1f s)\n",
              builds, concurrency, completed, failed, secs, submit_secs);
  std::printf("  a submit, one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", submit_ms[submit_ms.size() / 2],
              submit_ms[std::min(submit_ms.size() - 1, submit_ms.size() * 99 / 100)], submit_ms.back());
  std::printf("  end to end: %.0f builds/hour; fleet capacity %d builds at once, so at most %.0f builds/hour of 1 s builds\n",
              completed / secs * 3600, clusters * concurrency, clusters * concurrency * 3600.0);
  std::printf("  broker CPU: %.2f s in all, %.2f ms per build; broker RSS %.0f MiB at its peak\n", cpu,
              completed ? 1000 * cpu / completed : 0.0, broker_peak_rss / 1024);
  std::printf("  memory per cluster, resident / proportional: brokkr-agent %.1f / %.1f MiB, simulated cluster %.1f / %.1f MiB\n",
              agent_rss / 1024.0 / clusters, agent_pss / 1024.0 / clusters, sim_rss / 1024.0 / clusters,
              sim_pss / 1024.0 / clusters);
  for (auto& c : fleet) c.agent->signal(SIGTERM);
  for (auto& sim : sims) sim->signal(SIGTERM);
  for (auto& c : fleet) c.agent->wait(std::chrono::seconds(20));
  for (auto& sim : sims) sim->wait(std::chrono::seconds(10));
  return 0;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured, also into a file
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fleet: %s\n", e.what());
    return 1;
  }
}
