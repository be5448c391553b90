// brokkr-sim-cluster: a simulated Kubernetes API server with a Shipwright controller (docs/sim-cluster.md).
#include <pthread.h>

#include <csignal>
#include <iostream>

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
  brokkr::k8s::sim::sim_cluster sim(cfg);
  auto port = sim.start();
  if (!port) {
    std::cerr << "brokkr-sim-cluster: " << port.error() << "\n";
    return 1;
  }
  std::cout << "brokkr-sim-cluster: serving " << sim.server_url()
            << (cfg.kubeconfig_out.empty() ? "" : " (kubeconfig: " + cfg.kubeconfig_out + ")") << std::endl;
  const int received = brokkr::program::wait_for_stop(stop_signals);
  brokkr::log::info("sim", "stopping on signal ", received);
  sim.stop();
  return 0;
}
