#pragma once
// The `brokkr` facade: parse the command line, read the settings, run the command, turn any error
// into its message and exit code. Streams and environment are parameters so tests can drive it.
#include <iosfwd>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace brokkr::cli {

struct app_io {
  std::istream& in;
  std::ostream& out;  // results (tables, JSON, YAML)
  std::ostream& err;  // errors, notices and --wait progress
};

// `argv[0]` is the program name; returns the exit code (cli/exit_codes.hpp).
int run_cli(const std::vector<std::string>& argv, const config::env_lookup& env, app_io io);

}  // namespace brokkr::cli
