// Operational endpoints: liveness, readiness (PostgreSQL reachable), version, Prometheus metrics, the spec.
#include "actors/protocol_version.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"
#include "common/version.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;

void healthz(request_context& c) { c.reply(200, {{"status", "ok"}, {"version", std::string(brokkr::version())}}); }

// What `brokkr version` shows beside the client's, and what an agent's operator compares with the
// agent's --version: the release and the range of CAF protocol versions this broker speaks.
void version_endpoint(request_context& c) {
  c.reply(200, {{"version", std::string(brokkr::version())},
                {"protocol_version", brokkr::protocol_version},
                {"oldest_protocol_version", brokkr::oldest_protocol_version}});
}

void readyz(request_context& c) {
  const bool up = c.svc().health->up.load();
  c.reply(up ? 200 : 503, {{"status", up ? "ready" : "not ready"}, {"database", up ? "up" : "down"}});
}

void render_metrics(request_context& c) {
  c.actor_stats([&c](uint64_t items, uint64_t idle, uint64_t sessions) {
    auto& m = *c.svc().metrics;
    m.set("brokkr_work_item_actors", {}, static_cast<double>(items));
    m.set("brokkr_work_items_idle", {}, static_cast<double>(idle));
    m.set("brokkr_agent_sessions", {}, static_cast<double>(sessions));
    c.reply_raw(200, "text/plain; version=0.0.4; charset=utf-8", m.render());
  });
}

void metrics_endpoint(request_context& c) {
  auto& m = *c.svc().metrics;
  m.set("brokkr_database_up", {}, c.svc().health->up.load() ? 1 : 0);
  // Items by status is read at scrape time; without the database the family is left as it was
  // and the rest is still served (brokkr_database_up says why).
  c.run(
      c.svc().work->counts(),
      [&c](std::map<work_status, int64_t> counts) {
        std::vector<std::pair<metrics::labels, double>> series;
        for (auto s : {work_status::pending, work_status::claimed, work_status::completed, work_status::failed_retryable,
                       work_status::failed_permanent, work_status::canceled}) {
          const auto it = counts.find(s);
          series.push_back({{{"status", std::string(to_string(s))}}, it == counts.end() ? 0.0 : double(it->second)});
        }
        c.svc().metrics->set_all("brokkr_work_items", series);
        render_metrics(c);
      },
      [&c](const persistence::db_error&) { render_metrics(c); });
}

void openapi(request_context& c) { c.reply_raw(200, "application/yaml", c.svc().openapi_yaml); }

}  // namespace

std::vector<route> ops_routes() {
  return {
      {"GET", "/healthz", access::open, healthz},
      {"GET", "/readyz", access::open, readyz},
      {"GET", "/version", access::open, version_endpoint},
      {"GET", "/metrics", access::open, metrics_endpoint},
      {"GET", "/openapi.yaml", access::open, openapi},
  };
}

}  // namespace brokkr::broker::http
