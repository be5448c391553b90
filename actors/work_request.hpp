#pragma once
// A request to create a work item, and its validation: one rule set for every entry point
// (HTTP, CAF integrations, the CLI's server), applied before anything is written.
#include <map>
#include <string>
#include <vector>

#include "actors/work_status.hpp"
#include "common/expected.hpp"

namespace brokkr {

// Defaults (the seed's, plus DESIGN.md section 3).
inline constexpr int default_max_retries = 3;
inline constexpr int default_claim_timeout_seconds = 3600;
inline constexpr int default_ttl_seconds = 3600;
inline constexpr int default_backoff_base_seconds = 30;
inline constexpr int default_lease_seconds = 30;

// Bounds: generous for real use, tight enough that a typo cannot park an item for years.
inline constexpr int max_max_retries = 100;
inline constexpr int min_claim_timeout_seconds = 10;
inline constexpr int max_claim_timeout_seconds = 7 * 86400;
inline constexpr int max_ttl_seconds = 90 * 86400;
inline constexpr int max_backoff_base_seconds = 86400;
inline constexpr int min_lease_seconds = 3;
inline constexpr int max_lease_seconds = 3600;
inline constexpr int max_abs_priority = 1000;
inline constexpr size_t max_crd_spec_bytes = 1 << 20;
inline constexpr size_t max_idempotency_key_bytes = 255;
inline constexpr size_t max_targets_entries = 64;
inline constexpr size_t max_label_bytes = 64;
inline constexpr size_t max_annotation_key_bytes = 253;
inline constexpr size_t max_annotation_value_bytes = 1024;
inline constexpr size_t max_result_message_bytes = 64 * 1024;
inline constexpr size_t max_result_details_bytes = 256 * 1024;
inline constexpr size_t max_failure_reason_bytes = 255;
inline constexpr size_t max_work_labels = 64;
// Most items one claim-next or one batch completion may carry.
inline constexpr int max_claim_batch = 100;
inline constexpr size_t max_completion_batch = 100;

struct work_targets {
  std::vector<std::string> agent_ids;
  std::vector<std::string> labels;
  std::map<std::string, std::string> annotations;
  target_match match = target_match::all;
};

struct work_request {
  std::string work_type;
  std::string crd_spec;
  work_targets targets;
  int max_retries = default_max_retries;
  int claim_timeout_seconds = default_claim_timeout_seconds;
  int ttl_seconds = default_ttl_seconds;
  int backoff_base_seconds = default_backoff_base_seconds;
  int lease_seconds = 0;  // 0: the default, default_lease_seconds capped at claim_timeout_seconds
  int priority = 0;
  std::string idempotency_key;  // empty = none
  // The submitter's own labels (team=web): for finding items, never for targeting. Kubernetes
  // label syntax. Not carried by CAF protocol 2 (ADR 0056).
  std::map<std::string, std::string> labels;
  std::string retry_of;  // set by a retry only: the item this one repeats
};

// A rejected input: `field` is the API's name for it ("targets.labels[1]", "max_retries").
struct validation_error {
  std::string field;
  std::string message;
};

status<validation_error> validate(const work_request& req);

struct completion_report;
// A claimer's report, before anything is read: sizes, no NUL in text, result_details a JSON object
// within the nesting limit. The agent's identity and the attempt are the database's to judge.
status<validation_error> validate(const completion_report& report);

// PostgreSQL text cannot hold NUL (libpq cuts the value there): every text field refuses it.
status<validation_error> validate_text(const std::string& field, const std::string& value);

// The lease an item gets: as requested, or the default capped at its claim timeout.
int effective_lease_seconds(const work_request& req);

// Shared by work requests and agent records.
status<validation_error> validate_label(const std::string& field, const std::string& label);
status<validation_error> validate_annotation(const std::string& field, const std::string& key,
                                             const std::string& value);
bool is_uuid(const std::string& text);
// A work item's own labels: at most max_work_labels; keys [prefix/]name with a DNS subdomain
// prefix and a name of 1-63 of [A-Za-z0-9-_.] starting and ending alphanumeric; values the same
// shape or empty. The field names the key ("labels.team").
status<validation_error> validate_work_labels(const std::map<std::string, std::string>& labels);

}  // namespace brokkr
