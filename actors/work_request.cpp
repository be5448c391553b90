#include "actors/work_request.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "actors/work_item.hpp"
#include "common/json_limits.hpp"
#include "k8s/shipwright_manifest.hpp"
#include "k8s/work_types.hpp"

namespace brokkr {
namespace {

validation_error err(std::string field, std::string message) {
  return {std::move(field), std::move(message)};
}

status<validation_error> in_range(const char* field, int value, int lo, int hi) {
  if (value < lo || value > hi)
    return unexpected(err(field, std::string(field) + " must be between " + std::to_string(lo) +
                                     " and " + std::to_string(hi) + ", got " +
                                     std::to_string(value)));
  return ok;
}

bool label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/' || c == '=' || c == ':';
}

status<validation_error> validate_targets(const work_targets& t) {
  if (t.agent_ids.empty() && t.labels.empty() && t.annotations.empty())
    return unexpected(err("targets", "targets must name at least one agent id, label or annotation"));
  if (t.agent_ids.size() > max_targets_entries || t.labels.size() > max_targets_entries ||
      t.annotations.size() > max_targets_entries)
    return unexpected(err("targets", "targets may hold at most " +
                                         std::to_string(max_targets_entries) + " entries of each kind"));
  for (size_t i = 0; i < t.agent_ids.size(); ++i)
    if (!is_uuid(t.agent_ids[i]))
      return unexpected(err("targets.agent_ids[" + std::to_string(i) + "]",
                            "targets.agent_ids[" + std::to_string(i) + "] is not a UUID"));
  for (size_t i = 0; i < t.labels.size(); ++i)
    if (auto s = validate_label("targets.labels[" + std::to_string(i) + "]", t.labels[i]); !s)
      return s;
  for (const auto& [k, v] : t.annotations)
    if (auto s = validate_annotation("targets.annotations." + k, k, v); !s) return s;
  return ok;
}

bool label_name(std::string_view name) { return !name.empty() && k8s::shipwright::is_label_value(name); }

}  // namespace

status<validation_error> validate_work_labels(const std::map<std::string, std::string>& labels) {
  if (labels.size() > max_work_labels)
    return unexpected(err("labels", "labels may hold at most " + std::to_string(max_work_labels) + " entries"));
  for (const auto& [key, value] : labels) {
    const auto field = "labels." + key.substr(0, 80);
    const auto slash = key.find('/');
    const bool key_ok = slash == std::string::npos
                            ? label_name(key)
                            : k8s::shipwright::is_dns_subdomain(std::string_view(key).substr(0, slash)) &&
                                  label_name(std::string_view(key).substr(slash + 1));
    if (!key_ok)
      return unexpected(err(field, "label key '" + key.substr(0, 80) +
                                       "' must be NAME or PREFIX/NAME: a name of 1-63 letters, digits, - _ . "
                                       "starting and ending with a letter or digit, a prefix a DNS subdomain"));
    if (!k8s::shipwright::is_label_value(value))
      return unexpected(err(field, "label value of '" + key.substr(0, 80) +
                                       "' must be empty or 1-63 letters, digits, - _ . starting and ending with a "
                                       "letter or digit"));
  }
  return ok;
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

status<validation_error> validate_label(const std::string& field, const std::string& label) {
  if (label.empty() || label.size() > max_label_bytes)
    return unexpected(err(field, field + " must be 1 to " + std::to_string(max_label_bytes) +
                                     " characters"));
  if (!std::isalnum(static_cast<unsigned char>(label.front())))
    return unexpected(err(field, field + " must start with a letter or digit"));
  for (char c : label)
    if (!label_char(c))
      return unexpected(err(field, field + " may only contain letters, digits and - _ . / = :"));
  return ok;
}

status<validation_error> validate_annotation(const std::string& field, const std::string& key,
                                             const std::string& value) {
  if (key.empty() || key.size() > max_annotation_key_bytes)
    return unexpected(err(field, "annotation keys must be 1 to " +
                                     std::to_string(max_annotation_key_bytes) + " characters"));
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/'))
      return unexpected(err(field, "annotation key '" + key +
                                       "' may only contain letters, digits and - _ . /"));
  if (value.size() > max_annotation_value_bytes)
    return unexpected(err(field, "annotation values may be at most " +
                                     std::to_string(max_annotation_value_bytes) + " bytes"));
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20)
      return unexpected(err(field, "annotation values may not contain control characters"));
  return ok;
}

status<validation_error> validate_text(const std::string& field, const std::string& value) {
  if (value.find('\0') != std::string::npos) return unexpected(err(field, field + " must not contain NUL characters"));
  return ok;
}

status<validation_error> validate(const completion_report& r) {
  const auto too_long = [](const char* field, size_t max) {
    return unexpected(err(field, std::string(field) + " may be at most " + std::to_string(max) + " bytes"));
  };
  if (r.failure_reason.size() > max_failure_reason_bytes) return too_long("failure_reason", max_failure_reason_bytes);
  if (r.result_message.size() > max_result_message_bytes) return too_long("result_message", max_result_message_bytes);
  if (r.result_details.size() > max_result_details_bytes) return too_long("result_details", max_result_details_bytes);
  if (auto s = validate_text("failure_reason", r.failure_reason); !s) return s;
  if (auto s = validate_text("result_message", r.result_message); !s) return s;
  if (!r.result_details.empty()) {
    auto j = json_limits::parse(r.result_details, "result_details");
    if (!j) {
      const auto& e = j.error();
      return unexpected(err(e.field == "result_details" ? e.field : "result_details." + e.field,
                            e.field == "result_details" ? "result_details must be a JSON object"
                                                        : "result_details." + e.message));
    }
    if (!j->is_object()) return unexpected(err("result_details", "result_details must be a JSON object"));
  }
  return ok;
}

int effective_lease_seconds(const work_request& req) {
  return req.lease_seconds != 0 ? req.lease_seconds : std::min(default_lease_seconds, req.claim_timeout_seconds);
}

status<validation_error> validate(const work_request& req) {
  if (req.work_type.empty()) return unexpected(err("work_type", "work_type is required"));
  const auto* type = k8s::find_work_type(req.work_type);
  if (!type)
    return unexpected(err("work_type", "unknown work_type '" + req.work_type.substr(0, 60) +
                                           "' (known: " + k8s::work_type_names() + ")"));
  if (req.crd_spec.empty()) return unexpected(err("crd_spec", "crd_spec is required"));
  if (auto s = validate_text("crd_spec", req.crd_spec); !s) return s;
  if (auto s = validate_text("idempotency_key", req.idempotency_key); !s) return s;
  if (req.crd_spec.size() > max_crd_spec_bytes)
    return unexpected(err("crd_spec", "crd_spec is " + std::to_string(req.crd_spec.size()) +
                                          " bytes; the limit is " + std::to_string(max_crd_spec_bytes)));
  if (auto s = validate_targets(req.targets); !s) return s;
  if (auto s = in_range("max_retries", req.max_retries, 0, max_max_retries); !s) return s;
  if (auto s = in_range("claim_timeout_seconds", req.claim_timeout_seconds,
                        min_claim_timeout_seconds, max_claim_timeout_seconds); !s)
    return s;
  if (auto s = in_range("ttl_seconds", req.ttl_seconds, 0, max_ttl_seconds); !s) return s;
  if (auto s = in_range("backoff_base_seconds", req.backoff_base_seconds, 1, max_backoff_base_seconds); !s)
    return s;
  if (req.lease_seconds != 0) {
    if (auto s = in_range("lease_seconds", req.lease_seconds, min_lease_seconds, max_lease_seconds); !s) return s;
    if (req.lease_seconds > req.claim_timeout_seconds)
      return unexpected(err("lease_seconds", "lease_seconds may not exceed claim_timeout_seconds"));
  }
  if (auto s = in_range("priority", req.priority, -max_abs_priority, max_abs_priority); !s) return s;
  if (req.idempotency_key.size() > max_idempotency_key_bytes)
    return unexpected(err("idempotency_key", "idempotency_key may be at most " +
                                                 std::to_string(max_idempotency_key_bytes) + " bytes"));
  if (auto s = validate_work_labels(req.labels); !s) return s;
  if (!req.retry_of.empty() && !is_uuid(req.retry_of))
    return unexpected(err("retry_of", "retry_of is not a UUID"));
  // The agent's own parser: what it would refuse as malformed is refused here, before it is stored.
  if (auto spec = type->validate(req.crd_spec); !spec)
    return unexpected(err(spec.error().field, spec.error().message));
  return ok;
}

}  // namespace brokkr
