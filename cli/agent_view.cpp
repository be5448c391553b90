#include "cli/agent_view.hpp"

#include "cli/json_fields.hpp"
#include "cli/table.hpp"
#include "common/time.hpp"

namespace brokkr::cli {
namespace {

const nlohmann::json& connection_of(const nlohmann::json& agent) {
  static const nlohmann::json none = nlohmann::json::object();
  return agent.is_object() && agent.contains("connection") && agent["connection"].is_object() ? agent["connection"]
                                                                                              : none;
}

std::string ready_text(const nlohmann::json& conn) {
  return conn.contains("ready") && conn["ready"].is_boolean() && conn["ready"].get<bool>() ? "yes" : "no";
}

std::string via_text(const nlohmann::json& conn) {
  if (!conn.contains("transport") || !conn["transport"].is_string()) return "-";
  const auto t = conn["transport"].get<std::string>();
  if (t == "caf") return conn.value("connected", false) ? "caf" : "caf (closed)";
  return t;
}

const nlohmann::json& last_seen(const nlohmann::json& conn) {
  static const nlohmann::json null_value;
  return conn.contains("last_seen_at") ? conn["last_seen_at"] : null_value;
}

}  // namespace

std::string seen_age(const nlohmann::json& time, std::chrono::system_clock::time_point now) {
  if (!time.is_string()) return "never";
  const auto at = parse_rfc3339(time.get<std::string>());
  if (!at) return time.get<std::string>();
  const auto s = std::max<long long>(0, std::chrono::duration_cast<std::chrono::seconds>(now - *at).count());
  if (s < 120) return std::to_string(s) + "s ago";
  if (s < 2 * 3600) return std::to_string(s / 60) + "m ago";
  if (s < 48 * 3600) return std::to_string(s / 3600) + "h ago";
  return std::to_string(s / 86400) + "d ago";
}

std::string agent_list_table(const nlohmann::json& items, std::chrono::system_clock::time_point now) {
  table t({"ID", "NAME", "CLUSTER", "STATUS", "READY", "VIA", "LAST SEEN", "LABELS"});
  for (const auto& a : items) {
    const auto& conn = connection_of(a);
    t.add_row({field_text(a, "id"), field_text(a, "name"), field_text(a, "cluster_name"), field_text(a, "status"),
               ready_text(conn), via_text(conn), seen_age(last_seen(conn), now), field_text(a, "labels")});
  }
  return t.render();
}

std::string agent_detail(const nlohmann::json& agent, std::chrono::system_clock::time_point now) {
  const auto& conn = connection_of(agent);
  const auto seen = last_seen(conn);
  return key_value_block({
      {"ID", field_text(agent, "id")},
      {"Name", field_text(agent, "name")},
      {"Cluster", field_text(agent, "cluster_name")},
      {"Status", field_text(agent, "status")},
      {"Labels", field_text(agent, "labels")},
      {"Annotations", field_text(agent, "annotations")},
      {"Ready", ready_text(conn)},
      {"Connection", via_text(conn)},
      {"Last seen", seen.is_string() ? seen.get<std::string>() + " (" + seen_age(seen, now) + ")" : "never"},
      {"Last heartbeat", field_text(agent, "last_heartbeat_at")},
      {"Created", field_text(agent, "created_at")},
      {"Updated", field_text(agent, "updated_at")},
  });
}

std::string key_notice(const std::string& headline, const std::string& key) {
  return headline + "\n\nAPI key (shown only this once; store it now, e.g. in the agent's Secret):\n" + key + "\n";
}

}  // namespace brokkr::cli
