#include "cli/agent_view.hpp"

#include "cli/json_fields.hpp"
#include "cli/table.hpp"

namespace brokkr::cli {

std::string agent_list_table(const nlohmann::json& items) {
  table t({"ID", "NAME", "CLUSTER", "STATUS", "LABELS", "LAST HEARTBEAT"});
  for (const auto& a : items)
    t.add_row({field_text(a, "id"), field_text(a, "name"), field_text(a, "cluster_name"), field_text(a, "status"),
               field_text(a, "labels"), field_text(a, "last_heartbeat_at")});
  return t.render();
}

std::string agent_detail(const nlohmann::json& agent) {
  return key_value_block({
      {"ID", field_text(agent, "id")},
      {"Name", field_text(agent, "name")},
      {"Cluster", field_text(agent, "cluster_name")},
      {"Status", field_text(agent, "status")},
      {"Labels", field_text(agent, "labels")},
      {"Annotations", field_text(agent, "annotations")},
      {"Last heartbeat", field_text(agent, "last_heartbeat_at")},
      {"Created", field_text(agent, "created_at")},
      {"Updated", field_text(agent, "updated_at")},
  });
}

std::string key_notice(const std::string& headline, const std::string& key) {
  return headline + "\n\nAPI key (shown only this once; store it now, e.g. in the agent's Secret):\n" + key + "\n";
}

}  // namespace brokkr::cli
