#include "broker_node/http/services.hpp"

namespace brokkr::broker::http {

void declare_metrics(metrics::registry& m) {
  using metrics::kind;
  m.declare("brokkr_http_requests_total", kind::counter, "HTTP requests answered, by method, route and status.");
  m.declare("brokkr_http_request_duration_seconds", kind::histogram, "HTTP request latency by route.",
            metrics::latency_buckets());
  m.declare("brokkr_claim_expirations_total", kind::counter, "Stale claims taken back by this broker's sweep, by result.");
  m.declare("brokkr_maintenance_runs_total", kind::counter, "Runs of the batched maintenance duties that answered, by duty.");
  m.declare("brokkr_maintenance_rows_total", kind::counter,
            "Rows the batched maintenance duties acted on (claims expired, items soft-deleted, purged), by duty.");
  m.declare("brokkr_maintenance_budget_runs_total", kind::counter,
            "Runs of a maintenance duty that stopped on their batch budget, the last batch full (ADR 0078).");
  m.declare("brokkr_database_up", kind::gauge, "1 when PostgreSQL answered the last request, else 0.");
  m.declare("brokkr_work_item_actors", kind::gauge, "Work-item actors alive on this broker.");
  m.declare("brokkr_work_items_idle", kind::gauge,
            "Live items this broker holds without an actor: nothing to time, no subscriber (ADR 0066).");
  m.declare("brokkr_agent_sessions", kind::gauge, "Agents connected over CAF to this broker.");
}

}  // namespace brokkr::broker::http
