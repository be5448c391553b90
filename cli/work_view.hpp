#pragma once
// `-o table` layouts of work items (the API's Work object) and of their events.
#include <nlohmann/json.hpp>

#include <string>

namespace brokkr::cli {

// ID, TYPE, STATUS, ATTEMPT, AGENT, PRIORITY, CREATED, REASON; one row per item.
std::string work_list_table(const nlohmann::json& items);
// Every field a person asks about, one per line.
std::string work_detail(const nlohmann::json& item);
// One line: "work ID STATUS: attempt N, agent A, digest D" (or the failure reason and message).
std::string work_summary(const nlohmann::json& item);
// "labels gpu,linux (all); agents X; annotations zone=eu"
std::string targets_text(const nlohmann::json& targets);

// One line per transition, as --wait and --follow print them:
// "2026-11-28T06:39:18.123Z  CLAIMED -> COMPLETED  attempt 1  agent ID  reason: message"
std::string progress_line(const nlohmann::json& event);

}  // namespace brokkr::cli
