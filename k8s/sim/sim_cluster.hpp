#pragma once
// brokkr-sim-cluster as a library: an API server double with a simulated Shipwright controller and a
// Job controller (DESIGN.md section 8, docs/sim-cluster.md). Tests start one in-process on port 0;
// the executable (main.cpp) is a thin wrapper around it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/expected.hpp"
#include "common/http_server.hpp"
#include "k8s/cluster_config.hpp"

namespace brokkr::k8s::sim {

class object_store;
class fault_injector;
class resource_registry;

struct sim_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                                   // 0: an ephemeral port
  std::string token;                                   // bearer token clients must send; "" = a random one
  bool tls = false;                                    // serve HTTPS with a CA generated at start
  std::string default_namespace = "default";           // created at start (with "default"), the kubeconfig's namespace
  std::string kubeconfig_out;                          // where to write a kubeconfig; "" = nowhere
  std::string name = "brokkr-sim";                     // cluster, user and context name in the kubeconfig
  std::chrono::milliseconds default_duration{1000};    // a BuildRun or Job without sim.brokkr.io/duration
  size_t watch_history = 1000;                         // events kept for watches that resume
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  std::chrono::seconds watch_timeout{1800};            // watches without timeoutSeconds end after this
  int io_threads = 1;
  bool install_strategies = true;                      // the buildah ClusterBuildStrategies
};

class sim_cluster {
 public:
  explicit sim_cluster(sim_config cfg);
  ~sim_cluster();  // stop()
  sim_cluster(const sim_cluster&) = delete;
  sim_cluster& operator=(const sim_cluster&) = delete;

  // Installs the namespaces and strategies, starts serving, writes the kubeconfig; the bound port.
  expected<uint16_t, std::string> start();
  // Stops serving (open watches end) and stops the controllers.
  void stop();

  std::string server_url() const;         // "https://127.0.0.1:40123"
  const std::string& token() const;
  const std::string& ca_pem() const;      // "" without TLS
  std::string kubeconfig() const;         // the YAML written to kubeconfig_out
  k8s::cluster_config client_config() const;  // what a k8s::client needs to talk to this sim

  // For tests and tools in the same process.
  object_store& store();
  // Answers one request as the server would, without a socket (the request-routing fuzzer). Works
  // before start(); controllers then do not run.
  void handle(http::request req, std::shared_ptr<http::responder> r);
  fault_injector& faults();
  const resource_registry& registry() const;
  size_t drop_watches();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A kubeconfig with one cluster, user and context named `name`.
std::string make_kubeconfig(const std::string& name, const std::string& server, const std::string& ca_pem,
                            const std::string& token, const std::string& ns);

}  // namespace brokkr::k8s::sim
