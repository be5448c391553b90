#include "cli/work_view.hpp"

#include "cli/json_fields.hpp"
#include "cli/table.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

// "reason: message", either part optional.
std::string reason_text(const std::string& reason, const std::string& message) {
  if (reason.empty()) return message;
  return message.empty() ? reason : reason + ": " + message;
}

std::string attempt_text(const json& item) {
  return std::to_string(field_int(item, "attempt")) + " (retries " + std::to_string(field_int(item, "retry_count")) +
         " of " + std::to_string(field_int(item, "max_retries")) + ")";
}

table list_table(const json& items, const agent_names& names) {
  table t({"ID", "TYPE", "STATUS", "ATTEMPT", "AGENT", "PRIORITY", "CREATED", "REASON"});
  for (const auto& w : items) {
    const auto agent = field_text(w, "claimed_by");
    const auto name = names.find(agent);
    t.add_row({field_text(w, "id"), field_text(w, "work_type"), field_text(w, "status"), field_text(w, "attempt"),
               name == names.end() ? agent : name->second, field_text(w, "priority"), field_text(w, "created_at"),
               field_text(w, "failure_reason")});
  }
  return t;
}

}  // namespace

std::string agent_text(const std::string& id, const agent_names& names) {
  const auto name = names.find(id);
  return name == names.end() || name->second.empty() ? id : name->second + " (" + id + ")";
}

std::string labels_text(const json& labels) {
  std::string out;
  if (!labels.is_object()) return out;
  for (const auto& [k, v] : labels.items())
    out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string targets_text(const json& targets) {
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  if (const auto labels = field_text(targets, "labels"); !labels.empty()) {
    const auto match = field_text(targets, "match");
    add("labels " + labels + (match.empty() ? "" : " (" + match + ")"));
  }
  if (const auto agents = field_text(targets, "agent_ids"); !agents.empty()) add("agents " + agents);
  if (const auto annotations = field_text(targets, "annotations"); !annotations.empty())
    add("annotations " + annotations);
  return out;
}

std::string work_list_table(const json& items, const agent_names& names) { return list_table(items, names).render(); }

std::string work_list_rows(const json& items, const agent_names& names) {
  const auto text = list_table(items, names).render();
  const auto header_end = text.find('\n');
  return header_end == std::string::npos ? std::string() : text.substr(header_end + 1);
}

std::string work_detail(const json& item, const agent_names& names) {
  const auto& targets = member(item, "targets");
  return key_value_block({
      {"ID", field_text(item, "id")},
      {"Type", field_text(item, "work_type")},
      {"Status", field_text(item, "status") + (member(item, "cancel_requested") == true ? " (cancel requested)" : "")},
      {"Attempt", attempt_text(item)},
      {"Claimed by", agent_text(field_text(item, "claimed_by"), names)},
      {"Claimed at", field_text(item, "claimed_at")},
      {"Lease expires", field_text(item, "lease_expires_at")},
      {"Next retry", field_text(item, "next_retry_after")},
      {"Targets", targets_text(targets)},
      {"Matching agents", field_text(targets, "resolved_agent_ids")},
      {"Priority", field_text(item, "priority")},
      {"TTL seconds", field_text(item, "ttl_seconds")},
      {"Idempotency key", field_text(item, "idempotency_key")},
      {"Labels", labels_text(member(item, "labels"))},
      {"Retry of", field_text(item, "retry_of")},
      {"Created", field_text(item, "created_at")},
      {"Updated", field_text(item, "updated_at")},
      {"Completed", field_text(item, "completed_at")},
      {"Failure reason", field_text(item, "failure_reason")},
      {"Message", field_text(item, "result_message")},
      {"Result", field_text(item, "result_details")},
  });
}

std::string work_summary(const json& item, const agent_names& names) {
  std::string out = "work " + field_text(item, "id") + " " + field_text(item, "status") + ": attempt " +
                    field_text(item, "attempt");
  if (const auto agent = field_text(item, "claimed_by"); !agent.empty()) out += ", agent " + agent_text(agent, names);
  const auto& details = member(item, "result_details");
  if (const auto digest = field_text(details, "digest"); !digest.empty()) out += ", digest " + digest;
  const auto why = reason_text(field_text(item, "failure_reason"), field_text(item, "result_message"));
  if (!why.empty()) out += ", " + why;
  return out;
}

std::string progress_line(const json& event, const agent_names& names) {
  auto from = field_text(event, "from_status");
  std::string out = field_text(event, "at") + "  " + (from.empty() ? "new" : from) + " -> " +
                    field_text(event, "to_status") + "  attempt " + field_text(event, "attempt");
  if (const auto agent = field_text(event, "agent_id"); !agent.empty()) out += "  agent " + agent_text(agent, names);
  const auto why = reason_text(field_text(event, "reason"), field_text(event, "message"));
  if (!why.empty()) out += "  " + why;
  return out;
}

}  // namespace brokkr::cli
