#pragma once
// The one-word commands: `brokkr version` (client and server) and `brokkr completion SHELL`.
#include <string>
#include <string_view>

#include "cli/command_spec.hpp"

namespace brokkr::cli {

result<int> show_version(command_context& c);
result<int> print_completion(command_context& c);

// The completion script for "bash", "zsh" or "fish", generated from the command catalog so that it
// can never offer a command or flag the parser would refuse; empty for another shell.
std::string completion_script(std::string_view shell);

}  // namespace brokkr::cli
