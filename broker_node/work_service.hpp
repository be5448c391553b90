#pragma once
// The application operations on work items, once for every facade: the HTTP routes, the agents'
// CAF sessions and the integrations' CAF sessions call these and only translate wire formats and
// identities. Each operation checks what can be checked without the database (identity, ids,
// ranges, sizes) and returns either that refusal or a typed database job; the job itself holds the
// rest of the decision (visibility, guarded transitions) and counts the metrics when it succeeds, so
// the counters agree whichever transport an agent uses.
//
//   facade --(identity, request)--> work_service --op<T>--> facade runs the job on the pool --> T
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/agent_protocol.hpp"
#include "actors/work_item.hpp"
#include "actors/work_request.hpp"
#include "broker_node/auth/identity.hpp"
#include "common/metrics.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::broker {

using persistence::db_error;
using persistence::db_job_of;

// An operation: refused before it reaches the database, or the job that carries it out.
template <class T>
using op = expected<db_job_of<T>, db_error>;

// brokkr_failures_total's reason label: the reason when it is a CamelCase word and one of the first
// `max_failure_reasons` distinct ones seen, else "Other", so the series stay bounded.
inline constexpr size_t max_failure_reasons = 100;
std::string failure_reason_label(const std::string& reason);

class work_service {
 public:
  explicit work_service(std::shared_ptr<metrics::registry> metrics);

  // Declares the metric families the operations update.
  static void declare_metrics(metrics::registry& m);

  // Admins only. created=false: a live item already held the idempotency key.
  op<persistence::create_result> submit(const auth::identity& who, work_request req) const;
  // Agents see only work targeted at them or claimed by them.
  op<work_item> get(const auth::identity& who, const std::string& id) const;
  op<work_page> list(const auth::identity& who, work_list_params p) const;
  op<std::vector<work_event>> events(const auth::identity& who, const std::string& id, int64_t after, int limit) const;
  op<persistence::cancel_result> cancel(const auth::identity& who, const std::string& id) const;
  // Admins only: a new item repeating a FAILED_PERMANENT or CANCELED one (retry_of names it).
  op<persistence::create_result> retry(const auth::identity& who, const std::string& id) const;

  // Agent-side calls. `agent_id` may be empty for an agent (its own id is implied) and must be its
  // own when given; an admin must name the agent it acts for.
  op<std::vector<work_item>> pending(const auth::identity& who, const std::string& agent_id, int limit) const;
  op<std::vector<work_item>> held(const auth::identity& who, const std::string& agent_id) const;
  op<work_item> claim(const auth::identity& who, const std::string& id, const std::string& agent_id) const;
  op<std::vector<work_item>> claim_next(const auth::identity& who, const std::string& agent_id,
                                        std::vector<std::string> work_types, int limit) const;
  op<persistence::heartbeat_result> heartbeat(const auth::identity& who, const std::string& id,
                                              const std::string& agent_id, int attempt) const;
  // report.agent_id as for the calls above; report.work_id names the item.
  op<work_item> complete(const auth::identity& who, completion_report report) const;
  // Many reports in one transaction; each gets its own verdict, in order.
  op<std::vector<completion_ack>> complete_many(const auth::identity& who, std::vector<completion_report> reports) const;

  // Admins only: every item's events after `after` (the console's feed), and the queue overview.
  op<std::vector<work_event>> all_events(const auth::identity& who, int64_t after, int limit) const;
  op<std::vector<work_summary_row>> summary(const auth::identity& who) const;

  // Live items by status (the /metrics gauge).
  op<std::map<work_status, int64_t>> counts() const;

  // The agent a call acts for (see above), or the refusal naming agent_id.
  static expected<std::string, db_error> acting_agent(const auth::identity& who, const std::string& given);
  // A completion report's own checks (sizes, NUL, result_details a JSON object within the depth
  // limit); the field names the offending member.
  static status<db_error> validate_report(const completion_report& r);

 private:
  std::shared_ptr<metrics::registry> metrics_;
};

}  // namespace brokkr::broker
