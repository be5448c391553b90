#pragma once
// `-o table` layouts of work items (the API's Work object) and of their events.
#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace brokkr::cli {

// Agent id -> name, for the ids a person reads; an id missing here is shown bare.
using agent_names = std::map<std::string, std::string>;
// "east-1 (0742...full id)" or the bare id.
std::string agent_text(const std::string& id, const agent_names& names);
// "team=web,tier=db" from a labels object.
std::string labels_text(const nlohmann::json& labels);

// ID, TYPE, STATUS, ATTEMPT, AGENT (its name when known), PRIORITY, CREATED, REASON; one row per item.
std::string work_list_table(const nlohmann::json& items, const agent_names& names = {});
// The same columns without the header line, for `work list -w`'s rows after the first table.
std::string work_list_rows(const nlohmann::json& items, const agent_names& names = {});
// Every field a person asks about, one per line.
std::string work_detail(const nlohmann::json& item, const agent_names& names = {});
// One line: "work ID STATUS: attempt N, agent A, digest D" (or the failure reason and message).
std::string work_summary(const nlohmann::json& item, const agent_names& names = {});
// "labels gpu,linux (all); agents X; annotations zone=eu"
std::string targets_text(const nlohmann::json& targets);

// One line per transition, as --wait and --follow print them:
// "2026-11-28T06:39:18.123Z  CLAIMED -> COMPLETED  attempt 1  agent ID  reason: message"
std::string progress_line(const nlohmann::json& event, const agent_names& names = {});

}  // namespace brokkr::cli
