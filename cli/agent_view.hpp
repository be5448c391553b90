#pragma once
// `-o table` layouts of agents (the API's Agent object) and of a freshly issued key.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace brokkr::cli {

// ID, NAME, CLUSTER, STATUS, READY, VIA, LAST SEEN, LABELS; one row per agent. LAST SEEN is an
// age relative to `now` ("4s ago", "3m ago", "never").
std::string agent_list_table(const nlohmann::json& items,
                             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
std::string agent_detail(const nlohmann::json& agent,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
// "4s ago" / "12m ago" / "5h ago" / "3d ago" for an RFC 3339 time, "never" for null, the text
// itself when it is not a time.
std::string seen_age(const nlohmann::json& time, std::chrono::system_clock::time_point now);
// The key on a line of its own after a warning that it is shown only once.
std::string key_notice(const std::string& headline, const std::string& key);

}  // namespace brokkr::cli
