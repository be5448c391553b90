#pragma once
// --help texts, made from the command catalog and the option lists so they cannot drift from what
// the parser accepts.
#include <string>

#include "cli/command_spec.hpp"

namespace brokkr::cli {

std::string top_help();
std::string group_help(const std::string& group);
std::string command_help(const command_spec& spec);

}  // namespace brokkr::cli
