#pragma once
// `brokkr [global flags] <group> <verb> [arguments] [flags]` to a command and its values. Global
// flags may come before or after the command; command flags come after it. Every mistake here is a
// usage error (exit 2), found before anything is sent.
#include <string>
#include <vector>

#include "cli/cli_error.hpp"
#include "cli/command_spec.hpp"
#include "common/config.hpp"

namespace brokkr::cli {

struct invocation {
  const command_spec* spec = nullptr;  // null when only help was asked for
  config::values values;
  std::vector<std::string> args;
  std::string help;  // non-empty: --help was given (or implied); print it and exit 0
};

// The short forms the parser does not know: "-o X" is "--output X", "-f X" is "--file X".
std::vector<std::string> expand_short_flags(std::vector<std::string> argv);

// `argv[0]` is the program; `env` is what cli_environment() gives.
result<invocation> parse_command_line(const std::vector<std::string>& argv, const config::env_lookup& env);

}  // namespace brokkr::cli
