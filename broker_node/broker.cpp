#include "broker_node/broker.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>

#include "actors/scheduler.hpp"
#include "actors/type_ids.hpp"
#include "broker_node/agent_service.hpp"
#include "broker_node/auth/authenticate.hpp"
#include "broker_node/claim_supervisor.hpp"
#include "broker_node/embedded_docs.hpp"
#include "broker_node/http/api_server.hpp"
#include "broker_node/logs/log_hub.hpp"
#include "broker_node/maintenance/maintenance_supervisor.hpp"
#include "broker_node/sessions/gateway.hpp"
#include "broker_node/sessions/presence_book.hpp"
#include "broker_node/sessions/session_registry.hpp"
#include "broker_node/work_service.hpp"
#include "common/basp_guard.hpp"
#include "common/log.hpp"
#include "persistence/connection.hpp"
#include "persistence/migrator.hpp"
#include "persistence/notification_listener.hpp"

namespace brokkr::broker {
namespace {

std::string openapi_text() {
  for (const auto& f : embedded_docs())
    if (f.name == "openapi.yaml") return std::string(f.content);
  return {};
}

// Start-up waits for PostgreSQL (a broker and its database often start together), but gives up
// on errors that waiting cannot fix.
status<std::string> migrate_when_reachable(const broker_settings& s) {
  const auto deadline = std::chrono::steady_clock::now() + s.db_wait;
  for (bool warned = false;;) {
    auto r = persistence::migrate(s.database_url);
    if (r) {
      for (const auto& f : r->applied) log::info("broker", "applied migration ", f);
      return ok;
    }
    if (r.error().code != errc::unavailable) return unexpected("database migration failed: " + r.error().message);
    if (std::chrono::steady_clock::now() > deadline)
      return unexpected("PostgreSQL not reachable within --db-wait: " + r.error().message);
    if (!warned) log::warn("broker", "waiting for PostgreSQL: ", r.error().message);
    warned = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

status<std::string> ensure_admin_key(const broker_settings& s) {
  auto conn = persistence::db_connection::open(s.database_url);
  if (!conn) return unexpected("cannot connect to PostgreSQL: " + conn.error().message);
  persistence::repositories repos{**conn, {}};
  if (!s.admin_key_hash.empty()) {
    auto r = auth::ensure_admin_key_hash(repos, s.admin_key_hash);
    if (!r) return unexpected(r.error().message);
    if (*r) log::info("broker", "admin key from --admin-key-hash registered");
  }
  auto created = auth::bootstrap_admin_key(repos, s.admin_key_file);
  if (!created) return unexpected(created.error().message);
  if (*created) log::info("broker", "first start: admin key written to ", s.admin_key_file, " (mode 0600)");
  return ok;
}

}  // namespace

struct broker::impl {
  broker_settings settings;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<persistence::db_health> health = std::make_shared<persistence::db_health>();
  std::shared_ptr<metrics::registry> metrics = std::make_shared<metrics::registry>();
  persistence::persistence_actor db;
  std::shared_ptr<persistence::db_queue> db_queue;  // the HTTP facade's way to the same workers
  claim_supervisor_actor supervisor;
  caf::actor listener;
  caf::actor maintenance;
  session_registry_actor registry;
  log_hub_actor logs;
  gateway_actor gateway;
  std::unique_ptr<http::api_server> api;
  std::unique_ptr<basp::guard> guard;
  uint16_t caf_port = 0;
  uint16_t caf_inner_port = 0;
  bool running = false;
};

broker::broker(broker_settings s) : impl_(std::make_unique<impl>()) { impl_->settings = std::move(s); }

broker::~broker() { stop(); }

status<std::string> broker::start() {
  auto& d = *impl_;
  const auto& s = d.settings;
  // libpq connects without a time limit by default; a broker must fail fast instead.
  ::setenv("PGCONNECT_TIMEOUT", "5", 0);
  if (auto m = migrate_when_reachable(s); !m) return m;
  d.health->mark_up();  // it just answered
  if (auto k = ensure_admin_key(s); !k) return k;

  register_types(d.cfg);
  d.cfg.load<caf::io::middleman>();
  // TLS ends at the BASP guard; CAF itself listens on loopback only.
  const bool tls = !s.tls_cert.empty();
  d.cfg.set("logger.verbosity", caf::atom("quiet"));
  // Also the BASP heartbeat: off by default in CAF 0.17, and without it a frozen agent is never noticed.
  configure_scheduler(d.cfg, s.scheduler);
  d.sys = std::make_unique<caf::actor_system>(d.cfg);
  auto& sys = *d.sys;

  http::declare_metrics(*d.metrics);
  work_service::declare_metrics(*d.metrics);
  auto work = std::make_shared<const work_service>(d.metrics);
  auto keys = std::make_shared<auth::key_cache>(s.key_cache_ttl);
  auto agents = std::make_shared<const agent_service>(keys);
  persistence::pool_config pool{.url = s.database_url, .size = s.db_pool_size};
  pool.queue.backoff_cap = s.backoff_cap;
  pool.queue.retry_elsewhere_for = s.retry_elsewhere_for;
  auto db_pool = persistence::spawn_db_pool(sys, pool, d.health);
  d.db = db_pool.actor;
  d.db_queue = db_pool.queue;
  auto presence = std::make_shared<presence_book>();
  d.registry = spawn_session_registry(sys, {.grace = s.agent_grace, .presence = presence}, d.db);
  auto logs_waiting = std::make_shared<std::atomic<size_t>>(0);
  d.logs = spawn_log_hub(sys, {.heartbeat_waiting = logs_waiting});
  d.supervisor = spawn_claim_supervisor(sys, work_item_deps{d.db, d.registry, {.retry_elsewhere = s.retry_elsewhere_for, .push_fanout = s.push_fanout}});
  d.listener = persistence::spawn_notification_listener(sys, {.url = s.database_url},
                                                        caf::actor_cast<caf::actor>(d.supervisor), d.health);
  auto maintenance = s.maintenance;
  maintenance.presence = presence;
  maintenance.observe_claims = [m = d.metrics](const duty_result& r) {
    for (const auto& [kind, n] : r.counts) {
      m->inc("brokkr_claim_expirations_total", {{"result", kind}}, static_cast<double>(n));
      if (kind == "retry") m->inc("brokkr_retries_total", {}, static_cast<double>(n));
      if (kind == "retry" || kind == "permanent")
        m->inc("brokkr_failures_total", {{"reason", failure_reason_label("ClaimExpired")}}, static_cast<double>(n));
    }
  };
  // A duty's three series exist from its first run that answered, at 0 until something happens.
  maintenance.observe_runs = [m = d.metrics](const std::string& duty, const duty_result& r) {
    m->inc("brokkr_maintenance_runs_total", {{"duty", duty}});
    m->inc("brokkr_maintenance_rows_total", {{"duty", duty}}, static_cast<double>(r.count));
    m->inc("brokkr_maintenance_budget_runs_total", {{"duty", duty}}, r.more ? 1 : 0);
  };
  d.maintenance = spawn_maintenance(sys, maintenance, d.db, d.supervisor);

  if (s.caf_enabled) {
    d.gateway = spawn_gateway(sys, {d.db, d.supervisor, d.registry, work, agents, d.logs});
    auto inner = sys.middleman().publish(d.gateway, 0, "127.0.0.1", true);
    if (!inner) return unexpected("cannot publish the CAF gateway on loopback: " + sys.render(inner.error()));
    basp::guard_config gc;
    gc.host = s.caf_host;
    gc.port = s.caf_port;
    gc.upstream_port = *inner;
    gc.max_connections = s.caf_max_connections;
    gc.frame_limits.max_payload = s.caf_max_message;
    if (tls) gc.tls = basp::tls_files{s.tls_cert, s.tls_key, s.tls_ca};
    d.guard = std::make_unique<basp::guard>(gc);
    auto port = d.guard->start();
    if (!port)
      return unexpected("cannot listen for CAF peers on " + s.caf_host + ":" + std::to_string(s.caf_port) + ": " +
                        port.error());
    d.caf_port = *port;
    d.caf_inner_port = *inner;
    log::info("broker", "CAF endpoint on ", s.caf_host, ":", *port, tls ? " (TLS)" : " (plaintext)",
              " through the BASP guard (gateway on 127.0.0.1:", *inner, ")");
  }

  auto svc = std::make_shared<http::services>();
  svc->sessions = d.registry;
  svc->logs = d.logs;
  svc->logs_waiting = logs_waiting;
  svc->db = d.db;
  svc->db_queue = d.db_queue;
  svc->supervisor = d.supervisor;
  svc->health = d.health;
  svc->metrics = d.metrics;
  svc->work = work;
  svc->agents = agents;
  svc->openapi_yaml = openapi_text();
  svc->request_timeout = s.request_timeout;
  svc->presence = presence;
  svc->agent_ready_window = s.agent_ready_window;
  brokkr::http::server_config hc;
  hc.host = s.http_host;
  hc.port = s.http_port;
  hc.io_threads = s.http_threads;
  hc.body_limit = s.http_body_limit;
  hc.max_connections = s.http_max_connections;
  hc.header_timeout = s.http_header_timeout;
  d.api = std::make_unique<http::api_server>(sys, hc, svc);
  auto port = d.api->start();
  if (!port) return unexpected("cannot listen on " + s.http_host + ":" + std::to_string(s.http_port) + ": " + port.error());
  d.running = true;
  log::info("broker", "HTTP API on http://", s.http_host, ":", *port);
  return ok;
}

void broker::stop() {
  auto& d = *impl_;
  if (!d.running) return;
  d.running = false;
  log::info("broker", "shutting down");
  d.api->stop(d.settings.shutdown_timeout);
  if (d.guard) d.guard->stop();
  if (d.gateway && d.caf_inner_port) d.sys->middleman().unpublish(d.gateway, d.caf_inner_port);
  for (const auto& a : {caf::actor_cast<caf::actor>(d.maintenance), caf::actor_cast<caf::actor>(d.supervisor),
                        caf::actor_cast<caf::actor>(d.gateway), caf::actor_cast<caf::actor>(d.registry), d.listener,
                        caf::actor_cast<caf::actor>(d.logs), caf::actor_cast<caf::actor>(d.db)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  // A detached actor's thread ends only once the last handle to it is gone, and ~actor_system
  // waits for those threads: drop every handle before the system.
  d.api.reset();
  d.db = nullptr;
  d.db_queue = nullptr;
  d.supervisor = nullptr;
  d.listener = nullptr;
  d.maintenance = nullptr;
  d.gateway = nullptr;
  d.registry = nullptr;
  d.logs = nullptr;
  d.sys.reset();
  log::info("broker", "stopped");
}

uint16_t broker::http_port() const { return impl_->api ? impl_->api->port() : 0; }
uint16_t broker::caf_port() const { return impl_->caf_port; }

}  // namespace brokkr::broker
