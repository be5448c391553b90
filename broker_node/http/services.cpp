#include "broker_node/http/services.hpp"

namespace brokkr::broker::http {

void declare_metrics(metrics::registry& m) {
  using metrics::kind;
  m.declare("brokkr_http_requests_total", kind::counter, "HTTP requests answered, by method, route and status.");
  m.declare("brokkr_http_request_duration_seconds", kind::histogram, "HTTP request latency by route.",
            metrics::latency_buckets());
  m.declare("brokkr_work_items", kind::gauge, "Live (not deleted) work items by status, read at scrape time.");
  m.declare("brokkr_work_submitted_total", kind::counter, "Work items created through this broker, by work type.");
  m.declare("brokkr_claims_total", kind::counter, "Successful claims through this broker.");
  m.declare("brokkr_completions_total", kind::counter, "Accepted completion reports, by reported outcome.");
  m.declare("brokkr_retries_total", kind::counter, "Runs that ended FAILED_RETRYABLE through this broker (reports and expiries).");
  m.declare("brokkr_claim_expirations_total", kind::counter, "Stale claims taken back by this broker's sweep, by result.");
  m.declare("brokkr_database_up", kind::gauge, "1 when PostgreSQL answered the last request, else 0.");
  m.declare("brokkr_work_item_actors", kind::gauge, "Work-item actors alive on this broker.");
  m.declare("brokkr_agent_sessions", kind::gauge, "Agents connected over CAF to this broker.");
}

}  // namespace brokkr::broker::http
