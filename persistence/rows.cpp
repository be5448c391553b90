#include "persistence/rows.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/field>

#include "persistence/pg_types.hpp"

namespace brokkr::persistence {
namespace {

void read_targets(const std::string& json_text, work_item& w) {
  const auto j = nlohmann::json::parse(json_text);
  w.targets.agent_ids = j.at("agent_ids").get<std::vector<std::string>>();
  w.targets.labels = j.at("labels").get<std::vector<std::string>>();
  w.targets.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
  w.target_agents = j.at("resolved").get<std::vector<std::string>>();
}

}  // namespace

std::string text_or_empty(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

std::optional<timestamp> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return parse_pg_timestamp(f.as<std::string>());
}

work_item read_work_item(const pqxx::row& r) {
  work_item w;
  w.id = r["id"].as<std::string>();
  w.work_type = r["work_type"].as<std::string>();
  w.crd_spec = r["crd_spec"].as<std::string>();
  w.status = parse_work_status(r["status"].as<std::string>()).value_or(work_status::pending);
  w.claimed_by = text_or_empty(r["claimed_by"]);
  w.claimed_at = optional_time(r["claimed_at"]);
  w.completed_at = optional_time(r["completed_at"]);
  w.attempt = r["attempt"].as<int>();
  w.retry_count = r["retry_count"].as<int>();
  w.max_retries = r["max_retries"].as<int>();
  w.claim_timeout_seconds = r["claim_timeout_seconds"].as<int>();
  w.ttl_seconds = r["ttl_seconds"].as<int>();
  w.backoff_base_seconds = r["backoff_base_seconds"].as<int>();
  w.lease_seconds = r["lease_seconds"].as<int>();
  w.priority = r["priority"].as<int>();
  w.next_retry_after = optional_time(r["next_retry_after"]);
  w.lease_expires_at = optional_time(r["lease_expires_at"]);
  w.claim_deadline = optional_time(r["claim_deadline"]);
  w.cancel_requested = r["cancel_requested"].as<bool>();
  w.idempotency_key = text_or_empty(r["idempotency_key"]);
  w.result_message = text_or_empty(r["result_message"]);
  w.failure_reason = text_or_empty(r["failure_reason"]);
  w.result_details = text_or_empty(r["result_details"]);
  w.targets.match = parse_target_match(r["target_match"].as<std::string>()).value_or(target_match::all);
  read_targets(r["targets"].as<std::string>(), w);
  if (const auto labels = r["labels"].as<std::string>(); labels != "{}")
    w.labels = nlohmann::json::parse(labels).get<std::map<std::string, std::string>>();
  w.retry_of = text_or_empty(r["retry_of"]);
  w.created_at = parse_pg_timestamp(r["created_at"].as<std::string>());
  w.updated_at = parse_pg_timestamp(r["updated_at"].as<std::string>());
  w.deleted_at = optional_time(r["deleted_at"]);
  return w;
}

work_event read_work_event(const pqxx::row& r) {
  work_event e;
  e.id = r["id"].as<int64_t>();
  e.work_id = r["work_id"].as<std::string>();
  e.at = parse_pg_timestamp(r["at"].as<std::string>());
  e.from_status = text_or_empty(r["from_status"]);
  e.to_status = r["to_status"].as<std::string>();
  e.agent_id = text_or_empty(r["agent_id"]);
  e.attempt = r["attempt"].as<int>();
  e.retry_count = r["retry_count"].as<int>();
  e.reason = text_or_empty(r["reason"]);
  e.message = text_or_empty(r["message"]);
  return e;
}

agent_record read_agent(const pqxx::row& r) {
  agent_record a;
  a.id = r["id"].as<std::string>();
  a.name = r["name"].as<std::string>();
  a.cluster_name = r["cluster_name"].as<std::string>();
  a.status = parse_agent_status(r["status"].as<std::string>()).value_or(agent_status::inactive);
  a.labels = nlohmann::json::parse(r["labels"].as<std::string>()).get<std::vector<std::string>>();
  a.annotations = nlohmann::json::parse(r["annotations"].as<std::string>())
                      .get<std::map<std::string, std::string>>();
  a.last_heartbeat_at = optional_time(r["last_heartbeat_at"]);
  if (!r["presence_transport"].is_null()) {
    a.transport = r["presence_transport"].as<std::string>();
    a.connected = r["presence_connected"].as<bool>();
    a.last_seen_at = optional_time(r["last_seen_at"]);
    a.seen_seconds_ago = r["seen_seconds_ago"].as<double>();
  }
  a.created_at = parse_pg_timestamp(r["created_at"].as<std::string>());
  a.updated_at = parse_pg_timestamp(r["updated_at"].as<std::string>());
  return a;
}

}  // namespace brokkr::persistence
