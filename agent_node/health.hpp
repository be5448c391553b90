#pragma once
// /healthz, /readyz (broker reachable and Kubernetes API reachable) and /metrics on --health-listen.
// A prober actor refreshes the two readiness facts; the HTTP handler only reads them.
#include <atomic>
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
  std::atomic<bool> broker{false};
  std::shared_ptr<k8s_health> kubernetes;
};

// Asks the link and probes the API server (any answer counts) every `every`.
caf::actor spawn_prober(caf::actor_system& sys, broker_link_actor link, k8s_pool_actor k8s, std::string ns,
                        std::shared_ptr<readiness> ready, std::chrono::milliseconds every);

std::unique_ptr<http::server> make_health_server(std::string host, uint16_t port, std::shared_ptr<readiness> ready,
                                                 std::shared_ptr<metrics::registry> metrics);

}  // namespace brokkr::agent
