#pragma once
// What the command handlers share: where a result goes, the API paths, flag values they normalise.
#include <nlohmann/json.hpp>

#include <string>

#include "cli/command_spec.hpp"

namespace brokkr::cli {

// The table text for -o table, the API object for json and yaml.
void print_result(command_context& c, const nlohmann::json& doc, const std::string& table_text);

// "/api/v1/ephemeral-work/<id>" and "/api/v1/agents/<id>", the id percent-encoded: it is user input.
std::string work_path(const std::string& id, const std::string& suffix = "");
std::string agent_path(const std::string& id, const std::string& suffix = "");

// Status filters are upper case in the API; "--status pending" means the same.
std::string upper_case(std::string text);

}  // namespace brokkr::cli
