#pragma once
// The API's JSON: work items, events and agents out; work requests, reports and agent edits in.
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent_protocol.hpp"
#include "actors/agent_record.hpp"
#include "actors/work_item.hpp"
#include "actors/work_request.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/ephemeral_work_repository.hpp"

namespace brokkr::broker::http {

nlohmann::json to_json(const work_item& w);
nlohmann::json to_json(const work_event& e);
// READY: ACTIVE, and seen within `ready_window` (the database's clock) over HTTP or with its CAF
// session open at the last presence write.
bool agent_ready(const agent_record& a, std::chrono::milliseconds ready_window);
nlohmann::json to_json(const agent_record& a, std::chrono::milliseconds ready_window);

expected<work_request, validation_error> parse_work_request(std::string_view body);

// Agent-side calls. agent_id may be omitted (an agent key implies it).
struct claim_body {
  std::string agent_id;
};
struct claim_next_body {
  std::string agent_id;
  std::vector<std::string> work_types;
  std::optional<int> limit;  // absent: the seed's one item (or 204); present: {"items": [...]}
};
struct heartbeat_body {
  std::string agent_id;
  int attempt = 0;
};
expected<claim_body, validation_error> parse_claim(std::string_view body);
expected<claim_next_body, validation_error> parse_claim_next(std::string_view body);
expected<heartbeat_body, validation_error> parse_heartbeat(std::string_view body);
// POST .../{id}/logs (an HTTP-transport agent's live-log chunk): {"step", "generation", "offset",
// "text_base64", "done", "note"}; the bytes travel as base64 because a log need not be UTF-8.
expected<log_chunk, validation_error> parse_log_chunk(std::string_view body, const std::string& work_id);
nlohmann::json to_json(const log_stream_request& r);
// POST .../{id}/complete: the report for work item `work_id`.
expected<completion_report, validation_error> parse_completion(std::string_view body, const std::string& work_id);
// POST /api/v1/agents/{id}/ephemeral-work/complete: {"reports": [{"id", "attempt", "outcome", ...}]}.
expected<std::vector<completion_report>, validation_error> parse_completion_batch(std::string_view body);
nlohmann::json to_json(const completion_ack& a);

expected<persistence::agent_create_params, validation_error> parse_agent_create(std::string_view body);
expected<agent_status, validation_error> parse_agent_patch(std::string_view body);
expected<std::vector<std::string>, validation_error> parse_labels(std::string_view body);
expected<std::map<std::string, std::string>, validation_error> parse_annotations(std::string_view body);

}  // namespace brokkr::broker::http
