#pragma once
// /healthz, /readyz (broker reachable and Kubernetes API reachable) and /metrics on --health-listen.
// The broker link sets the first readiness fact as it gains and loses the broker; a prober actor
// refreshes the second; the HTTP handler only reads them.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "agent_node/k8s_pool.hpp"
#include "agent_node/link/broker_link.hpp"
#include "common/http_server.hpp"
#include "common/metrics.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace brokkr::agent {

struct readiness {
  std::shared_ptr<std::atomic<bool>> broker = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<k8s_health> kubernetes;
};

// How often the prober asks the API server, unless a work's call answered in the last half of it:
// the kubelet reads /readyz every 10 s (deploy/agent), and probing (and asking the link) every 2 s
// was about 40 % of an idle agent's CPU (ADR 77).
inline constexpr std::chrono::milliseconds kubernetes_probe_interval{10000};

// Probes the API server (any answer counts) every `every`.
caf::actor spawn_prober(caf::actor_system& sys, k8s_pool_actor k8s, std::string ns, std::shared_ptr<readiness> ready,
                        std::chrono::milliseconds every);

std::unique_ptr<http::server> make_health_server(std::string host, uint16_t port, std::shared_ptr<readiness> ready,
                                                 std::shared_ptr<metrics::registry> metrics);

}  // namespace brokkr::agent
