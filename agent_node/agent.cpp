#include "agent_node/agent.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/client.hpp"
#include "actors/scheduler.hpp"
#include "agent_node/dispatcher.hpp"
#include "agent_node/health.hpp"
#include "agent_node/informer_hub.hpp"
#include "agent_node/link/caf_link.hpp"
#include "agent_node/link/http_link.hpp"
#include "common/log.hpp"
#include "k8s/cluster_config.hpp"

namespace brokkr::agent {

struct agent::impl {
  agent_settings settings;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<metrics::registry> metrics = std::make_shared<metrics::registry>();
  std::shared_ptr<readiness> ready = std::make_shared<readiness>();
  k8s_pool_actor k8s;
  informer_hub_actor informers;
  broker_link_actor link;
  dispatcher_actor dispatcher;
  log_streamer_actor logs;
  caf::actor prober;
  std::unique_ptr<http::server> health;
  uint16_t health_port = 0;
  bool running = false;
};

agent::agent(agent_settings s) : impl_(std::make_unique<impl>()) { impl_->settings = std::move(s); }
agent::~agent() { stop(); }

status<std::string> agent::start() {
  auto& d = *impl_;
  const auto& s = d.settings;
  auto cluster = s.kubeconfig.empty() ? k8s::load_in_cluster() : k8s::load_kubeconfig(s.kubeconfig, s.context);
  if (!cluster) return unexpected((s.kubeconfig.empty() ? "in-cluster config: " : "--kubeconfig: ") + cluster.error().field +
                                  ": " + cluster.error().message);
  const auto ns = s.namespace_name.empty() ? cluster->default_namespace : s.namespace_name;

  configure_client(d.cfg, s.tls_cert, s.tls_key, s.tls_ca);
  configure_scheduler(d.cfg, s.scheduler);
  d.sys = std::make_unique<caf::actor_system>(d.cfg);
  auto& sys = *d.sys;
  declare_agent_metrics(*d.metrics);
  d.ready->kubernetes = std::make_shared<k8s_health>();
  d.k8s = spawn_k8s_pool(sys, *cluster, std::clamp(s.max_concurrent_work, 2, 8), d.ready->kubernetes);
  d.informers = spawn_informer_hub(sys, *cluster);
  if (s.via == transport::caf) {
    d.link = spawn_caf_link(sys, {.host = s.broker_caf_host, .port = s.broker_caf_port, .tls = !s.tls_ca.empty(), .key = s.key,
                                  .reconnect_min = s.reconnect_min, .reconnect_max = s.reconnect_max,
                                  .connected = d.ready->broker});
  } else {
    d.link = spawn_http_link(sys, {.base_url = s.broker_url, .key = s.key,
                                   .reconnect_min = s.reconnect_min, .reconnect_max = s.reconnect_max,
                                   .connected = d.ready->broker});
  }
  d.logs = spawn_log_streamer(sys, *cluster, d.link);
  handler_context ctx{d.k8s, d.informers, s, ns, {}, d.logs};
  dispatcher_config dc{.max_concurrent = s.max_concurrent_work, .work_types = s.work_types, .enabled = s.enabled,
                       .poll_interval = s.poll_interval};
  d.dispatcher = spawn_dispatcher(sys, dc, d.link, ctx, d.metrics);
  d.prober = spawn_prober(sys, d.k8s, ns, d.ready, kubernetes_probe_interval);
  d.health = make_health_server(s.health_host, s.health_port, d.ready, d.metrics);
  auto port = d.health->start();
  if (!port) return unexpected("cannot listen on --health-listen " + s.health_host + ":" + std::to_string(s.health_port) + ": " + port.error());
  d.health_port = *port;
  d.running = true;
  log::info("agent", "running against ", cluster->server, " (namespace ", ns, "), broker via ",
            s.via == transport::caf ? "CAF " + s.broker_caf_host + ":" + std::to_string(s.broker_caf_port) : "HTTP " + s.broker_url,
            ", health on ", s.health_host, ":", *port);
  return ok;
}

void agent::stop() {
  auto& d = *impl_;
  if (!d.running) return;
  d.running = false;
  log::info("agent", "shutting down");
  d.health->stop(std::chrono::seconds(2));
  for (const auto& a : {d.prober, caf::actor_cast<caf::actor>(d.dispatcher), caf::actor_cast<caf::actor>(d.logs),
                        caf::actor_cast<caf::actor>(d.link), caf::actor_cast<caf::actor>(d.informers),
                        caf::actor_cast<caf::actor>(d.k8s)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  // Detached actors' threads end only when their last handle is gone; ~actor_system waits for them.
  d.prober = nullptr;
  d.dispatcher = nullptr;
  d.logs = nullptr;
  d.link = nullptr;
  d.informers = nullptr;
  d.k8s = nullptr;
  d.health.reset();
  d.sys.reset();
  log::info("agent", "stopped");
}

uint16_t agent::health_port() const { return impl_->health_port; }

}  // namespace brokkr::agent
