// brokkr-sim-cluster: a simulated Kubernetes API server with a Shipwright controller (docs/sim-cluster.md).
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "common/log.hpp"
#include "common/program.hpp"
#include "k8s/sim/sim_cluster.hpp"

namespace {

brokkr::config::parser make_parser() {
  using brokkr::config::kind;
  using std::to_string;
  const brokkr::k8s::sim::sim_config d;  // the defaults below are its initialisers (the port aside)
  brokkr::config::parser p("brokkr-sim-cluster",
                           "A simulated Kubernetes API server with Shipwright Builds and BuildRuns, for demos and tests.");
  p.add({.name = "listen", .help = "HOST:PORT to serve on (port 0: any free port)", .default_value = brokkr::config::host_port_text(d.host, 6443),
         .type = kind::host_port});
  p.add({.name = "token", .help = "bearer token clients must send (default: a random one, written to the kubeconfig)",
         .secret = true});
  p.add({.name = "kubeconfig-out", .help = "write a kubeconfig for this cluster to PATH (mode 0600)"});
  p.add({.name = "tls", .help = "serve HTTPS with a CA generated at start (its certificate goes into the kubeconfig)",
         .default_value = brokkr::config::boolean_text(d.tls), .type = kind::boolean});
  p.add({.name = "namespace", .help = "namespace to create and to put in the kubeconfig", .default_value = d.default_namespace});
  p.add({.name = "name", .help = "cluster, user and context name in the kubeconfig", .default_value = d.name});
  p.add({.name = "default-duration", .help = "how long a BuildRun or Job runs without sim.brokkr.io/duration",
         .default_value = brokkr::config::duration_text(d.default_duration), .type = kind::duration});
  p.add({.name = "watch-history", .help = "watch events kept for resuming watches", .default_value = to_string(d.watch_history),
         .type = kind::integer, .min = 10, .max = 1000000});
  p.add({.name = "bookmark-interval", .help = "how often watches that allow bookmarks get one",
         .default_value = brokkr::config::duration_text(d.bookmark_interval), .type = kind::duration});
  p.add({.name = "io-threads", .help = "HTTP threads", .default_value = to_string(d.io_threads), .type = kind::integer, .min = 1, .max = 64});
  p.add({.name = "clusters",
         .help = "independent clusters to serve, cluster i on port PORT+i (or any free port), named NAME-i; "
                 "--kubeconfig-out must then contain {i}",
         .default_value = "1", .type = kind::integer, .min = 1, .max = 10000});
  brokkr::program::add_log_options(p);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  // Stop signals are blocked before any thread starts (threads inherit the mask) and received with
  // sigwait: a SIGTERM that arrives while we are still starting is kept, not lost.
  const auto stop_signals = brokkr::program::block_stop_signals();
  int exit_code = 0;
  auto values = brokkr::program::parse_or_explain(make_parser(), argc, argv, exit_code);
  if (!values) return exit_code;
  brokkr::k8s::sim::sim_config cfg;
  std::tie(cfg.host, cfg.port) = values->host_port("listen");
  cfg.token = values->str("token");
  cfg.kubeconfig_out = values->str("kubeconfig-out");
  cfg.tls = values->boolean("tls");
  cfg.default_namespace = values->str("namespace");
  cfg.name = values->str("name");
  cfg.default_duration = values->duration("default-duration");
  cfg.watch_history = static_cast<size_t>(values->integer("watch-history"));
  cfg.bookmark_interval = values->duration("bookmark-interval");
  cfg.io_threads = static_cast<int>(values->integer("io-threads"));
  const auto clusters = static_cast<int>(values->integer("clusters"));
  // Many clusters in one process share its code and libraries, which are most of a sim's memory
  // (issue 13's fleet bench runs 1,000 of them). Each is still a whole sim: its own port, store,
  // controllers and token.
  static constexpr std::string_view index_mark = "{i}";
  if (clusters > 1 && !cfg.kubeconfig_out.empty() && cfg.kubeconfig_out.find(index_mark) == std::string::npos) {
    std::cerr << "brokkr-sim-cluster: --kubeconfig-out must contain {i} with --clusters " << clusters << "\n";
    return 2;
  }
  if (cfg.port != 0 && cfg.port + clusters - 1 > 65535) {
    std::cerr << "brokkr-sim-cluster: --listen port " << cfg.port << " leaves no room for --clusters " << clusters << "\n";
    return 2;
  }
  std::vector<std::unique_ptr<brokkr::k8s::sim::sim_cluster>> sims;
  for (int i = 0; i < clusters; ++i) {
    auto c = cfg;
    if (clusters > 1) {
      const auto index = std::to_string(i);
      c.name += "-" + index;
      if (c.port != 0) c.port = static_cast<uint16_t>(cfg.port + i);
      for (auto at = c.kubeconfig_out.find(index_mark); at != std::string::npos; at = c.kubeconfig_out.find(index_mark))
        c.kubeconfig_out.replace(at, index_mark.size(), index);
    }
    auto& sim = *sims.emplace_back(std::make_unique<brokkr::k8s::sim::sim_cluster>(c));
    auto port = sim.start();
    if (!port) {
      std::cerr << "brokkr-sim-cluster: " << (clusters > 1 ? c.name + ": " : "") << port.error() << "\n";
      return 1;
    }
    std::cout << "brokkr-sim-cluster: serving " << sim.server_url()
              << (c.kubeconfig_out.empty() ? "" : " (kubeconfig: " + c.kubeconfig_out + ")") << std::endl;
  }
  const int received = brokkr::program::wait_for_stop(stop_signals);
  brokkr::log::info("sim", "stopping on signal ", received);
  for (auto& sim : sims) sim->stop();
  return 0;
}
