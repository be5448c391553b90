#pragma once
// A work item as stored (DESIGN.md section 3) and its transition history. Plain data: the
// persistence layer fills it, the HTTP facade renders it, the CAF protocol carries it.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/work_request.hpp"
#include "actors/work_status.hpp"

namespace brokkr {

using timestamp = std::chrono::system_clock::time_point;

struct work_item {
  std::string id;
  std::string work_type;
  std::string crd_spec;
  work_status status = work_status::pending;
  std::string claimed_by;  // empty: never claimed
  std::optional<timestamp> claimed_at;
  std::optional<timestamp> completed_at;
  int attempt = 0;
  int retry_count = 0;
  int max_retries = default_max_retries;
  int claim_timeout_seconds = default_claim_timeout_seconds;
  int ttl_seconds = default_ttl_seconds;
  int backoff_base_seconds = default_backoff_base_seconds;
  int lease_seconds = default_lease_seconds;
  int priority = 0;
  std::optional<timestamp> next_retry_after;
  std::optional<timestamp> lease_expires_at;
  std::optional<timestamp> claim_deadline;
  bool cancel_requested = false;
  std::string idempotency_key;
  std::string result_message;
  std::string failure_reason;
  std::string result_details;  // JSON object text, empty when none
  std::map<std::string, std::string> labels;  // the submitter's (work_request::labels)
  std::string retry_of;                       // the item this one repeats; empty: none
  work_targets targets;        // the selector as submitted
  std::vector<std::string> target_agents;  // the agents it resolves to now (empty once terminal)
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at;
};

// What a claimer reports at the end of a run: the body of POST .../complete and the CAF complete
// message alike. agent_id is the caller's identity, set by the broker's facade from the key or
// the session, never taken from the peer.
struct completion_report {
  std::string work_id;
  std::string agent_id;
  int32_t attempt = 0;
  work_outcome outcome = work_outcome::completed;
  std::string failure_reason;
  std::string result_message;
  std::string result_details;  // JSON object text; empty: none
};

// A list query (GET /api/v1/ephemeral-work, the integrations' list message) and its page.
struct work_list_params {
  std::vector<work_status> statuses;  // empty: all
  std::string work_type;              // empty: all
  std::string agent_id;               // empty: all; else claimed by or targeted at this agent
  std::string after;                  // cursor: id of the last item of the previous page
  int32_t limit = 50;
  // Kubernetes label selector on the items' own labels; HTTP only, not in CAF protocol 2.
  std::string label_selector;
};

struct work_page {
  std::vector<work_item> items;
  std::string next;  // cursor for the next page; empty at the end
};

// One row of the queue overview: live items of a work type in a status, and how many of them
// reached it within the last hour (terminal statuses only).
struct work_summary_row {
  std::string work_type;
  work_status status = work_status::pending;
  int64_t count = 0;
  int64_t last_hour = 0;
};

struct work_event {
  int64_t id = 0;
  std::string work_id;
  timestamp at{};
  std::string from_status;  // empty for the creation event
  std::string to_status;
  std::string agent_id;
  int attempt = 0;
  int retry_count = 0;
  std::string reason;
  std::string message;
};

}  // namespace brokkr
