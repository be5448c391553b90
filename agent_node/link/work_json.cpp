#include "agent_node/link/work_json.hpp"

#include "common/time.hpp"

namespace brokkr::agent {
namespace {

std::optional<timestamp> time_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  return parse_rfc3339(j[key].get<std::string>());
}

std::string text_field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

expected<work_item, std::string> work_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return unexpected(std::string("work: not an object"));
  for (const char* key : {"id", "work_type", "crd_spec", "status"})
    if (!j.contains(key) || !j[key].is_string()) return unexpected("work." + std::string(key) + " is missing");
  for (const char* key : {"attempt", "retry_count", "max_retries", "claim_timeout_seconds", "lease_seconds"})
    if (!j.contains(key) || !j[key].is_number_integer()) return unexpected("work." + std::string(key) + " is missing");
  work_item w;
  w.id = j["id"];
  w.work_type = j["work_type"];
  w.crd_spec = j["crd_spec"];
  const auto st = parse_work_status(j["status"].get<std::string>());
  if (!st) return unexpected(std::string("work.status is not a status"));
  w.status = *st;
  w.claimed_by = text_field(j, "claimed_by");
  w.claimed_at = time_field(j, "claimed_at");
  w.attempt = j["attempt"];
  w.retry_count = j["retry_count"];
  w.max_retries = j["max_retries"];
  w.claim_timeout_seconds = j["claim_timeout_seconds"];
  w.lease_seconds = j["lease_seconds"];
  w.ttl_seconds = j.value("ttl_seconds", w.ttl_seconds);
  w.backoff_base_seconds = j.value("backoff_base_seconds", w.backoff_base_seconds);
  w.priority = j.value("priority", 0);
  w.next_retry_after = time_field(j, "next_retry_after");
  w.lease_expires_at = time_field(j, "lease_expires_at");
  w.claim_deadline = time_field(j, "claim_deadline");
  w.completed_at = time_field(j, "completed_at");
  w.cancel_requested = j.value("cancel_requested", false);
  w.result_message = text_field(j, "result_message");
  w.failure_reason = text_field(j, "failure_reason");
  if (j.contains("result_details") && j["result_details"].is_object()) w.result_details = j["result_details"].dump();
  return w;
}

}  // namespace brokkr::agent
