#pragma once
// Every lifecycle operation of DESIGN.md section 4 on ephemeral_work, as one guarded statement or
// one transaction each (SQL in persistence/queries/ephemeral_work.sql). Decisions come from
// actors/lifecycle; this class only reads, locks, asks and writes.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/lifecycle.hpp"
#include "actors/work_item.hpp"
#include "actors/work_request.hpp"
#include "persistence/db_error.hpp"

namespace pqxx {
class transaction_base;
}

namespace brokkr::persistence {

class db_connection;

struct work_queue_config {
  // Cap of the retry backoff (actors/lifecycle.hpp).
  std::chrono::seconds backoff_cap = default_backoff_cap;
  // How long a retry is kept from the agent whose attempt failed while another ACTIVE agent is a
  // target (seed use case 2: a different agent claims the retry). 0: no preference.
  std::chrono::seconds retry_elsewhere_for{30};
};

struct create_result {
  work_item item;
  bool created = true;  // false: a live item already held the idempotency key
};

struct heartbeat_result {
  bool cancel_requested = false;
  timestamp lease_expires_at{};
};

// One claimer's heartbeat for one claim, as heartbeat() takes it.
struct heartbeat_request {
  std::string id;
  std::string agent_id;
  int attempt = 0;
};

// One report's verdict in a batch completion: the item as it is now, or why nothing was written.
struct completion_result {
  std::string work_id;
  std::optional<db_error> error;
  work_item item;
};

enum class cancel_action : uint8_t { canceled, cancel_requested, deleted };
struct cancel_result {
  work_item item;
  cancel_action action = cancel_action::canceled;
};

struct expire_result {
  std::vector<work_item> expired;  // their new state: FAILED_RETRYABLE, FAILED_PERMANENT or CANCELED
};

// The slim view of an item that a work-item actor plans its timers and pushes from.
struct work_timing {
  std::string id;
  work_status status = work_status::pending;
  int attempt = 0;
  std::string claimed_by;
  std::optional<timestamp> lease_expires_at;
  std::optional<timestamp> claim_deadline;
  std::optional<timestamp> next_retry_after;
  bool cancel_requested = false;
  std::vector<std::string> target_agents;
  int64_t last_event_id = 0;
  timestamp db_now{};  // PostgreSQL's clock when read: delays are deadline - db_now
};

// A work list's label selector (Kubernetes syntax on the items' own labels), checked as list()
// will read it; the error names labelSelector.
status<db_error> check_label_selector(const std::string& text);

class ephemeral_work_repository {
 public:
  explicit ephemeral_work_repository(db_connection& conn, work_queue_config cfg = {});

  // Validates, stores, records the selector and resolves targets, in one transaction.
  db_result<create_result> create(const work_request& req);
  db_result<work_item> get(const std::string& id);
  // A new item with the request of `id` (which must be FAILED_PERMANENT or CANCELED; conflict
  // otherwise), its retry_of naming `id`, no idempotency key, its own targets resolved anew.
  db_result<create_result> retry(const std::string& id);
  db_result<work_page> list(const work_list_params& p);
  db_result<std::vector<work_item>> pending_for_agent(const std::string& agent_id, int limit);
  db_result<std::vector<work_item>> claimed_by_agent(const std::string& agent_id);

  // not_found, forbidden (agent not an active target), conflict (not claimable now).
  db_result<work_item> claim(const std::string& id, const std::string& agent_id);
  // Up to `limit` items claimable by the agent, highest priority first, claimed in one statement;
  // empty when nothing is claimable.
  db_result<std::vector<work_item>> claim_next(const std::string& agent_id,
                                               const std::vector<std::string>& work_types = {}, int limit = 1);
  // conflict when the caller is not the current claimer with the current attempt.
  db_result<heartbeat_result> heartbeat(const std::string& id, const std::string& agent_id,
                                        int attempt);
  // Many heartbeats in one statement (group commit). The error is for the batch as a whole; each
  // request's own answer, as heartbeat() gives it, is in the results in the order of `requests`.
  db_result<std::vector<db_result<heartbeat_result>>> heartbeat_many(const std::vector<heartbeat_request>& requests);
  // The report's agent_id must be the claimer and its attempt the current one.
  db_result<work_item> complete(const completion_report& report);
  // Many reports in one transaction and one write (group commit): each is decided on its own, and
  // a refused report does not hold back the others. The error is for the batch as a whole
  // (database unavailable); per-report refusals are in the results, in the order of `reports`.
  db_result<std::vector<completion_result>> complete_many(const std::vector<completion_report>& reports);
  db_result<cancel_result> cancel(const std::string& id);

  // Maintenance. `only` restricts expiry to these ids (a work-item actor's own timer).
  db_result<expire_result> expire_stale_claims(int limit, const std::vector<std::string>& only = {});
  // Ends an agent's leases now (its session is gone for good, `grace` after it closed), then
  // expires its claims, saying so in their messages.
  db_result<expire_result> expire_agent_claims(const std::string& agent_id, std::chrono::milliseconds grace);
  db_result<std::vector<std::string>> soft_delete_expired(int limit);
  db_result<std::vector<std::string>> purge_deleted(std::chrono::seconds older_than, int limit);

  // not_found when the item does not exist or was deleted.
  db_result<work_timing> timing(const std::string& id);
  db_result<std::vector<work_event>> events(const std::string& id, int64_t after_event_id, int limit);
  // Every item's events after `after_event_id`, oldest first; and the newest event id (0: none).
  db_result<std::vector<work_event>> events_since(int64_t after_event_id, int limit);
  db_result<int64_t> latest_event_id();
  db_result<std::vector<work_summary_row>> summary();
  // Live items after `after_id` in id order, as timing() reads each (rehydration's pages).
  db_result<std::vector<work_timing>> live_timings(const std::string& after_id, int limit);
  db_result<std::map<work_status, int64_t>> count_by_status();

 private:
  db_result<work_item> explain_claim_refusal(pqxx::transaction_base& tx, const std::string& id,
                                             const std::string& agent_id);
  int hold_seconds() const { return static_cast<int>(cfg_.retry_elsewhere_for.count()); }
  db_connection& conn_;
  work_queue_config cfg_;
};

}  // namespace brokkr::persistence
