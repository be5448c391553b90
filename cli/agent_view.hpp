#pragma once
// `-o table` layouts of agents (the API's Agent object) and of a freshly issued key.
#include <nlohmann/json.hpp>

#include <string>

namespace brokkr::cli {

// ID, NAME, CLUSTER, STATUS, LABELS, LAST HEARTBEAT; one row per agent.
std::string agent_list_table(const nlohmann::json& items);
std::string agent_detail(const nlohmann::json& agent);
// The key on a line of its own after a warning that it is shown only once.
std::string key_notice(const std::string& headline, const std::string& key);

}  // namespace brokkr::cli
