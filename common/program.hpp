#pragma once
// What every Brokkr executable does around its work: parse the configuration (flags, env, YAML),
// answer --help, set the log level, wait for SIGINT/SIGTERM, and give a hanging shutdown a deadline.
#include <chrono>
#include <csignal>
#include <optional>
#include <string>

#include "common/config.hpp"

namespace brokkr::program {

// Blocks SIGINT and SIGTERM in this thread and every thread started after (they inherit the mask),
// so that wait_for_stop() receives them, even one that arrives during start-up. Ignores SIGPIPE.
sigset_t block_stop_signals();
// Returns the signal that arrived.
int wait_for_stop(const sigset_t& signals);

// Adds --log-level and --log-format (applied by parse_or_explain), one definition for every executable.
void add_log_options(config::parser& p);

// Parses and applies --log-level and --log-format. nullopt means "exit now with `exit_code`": --help was printed
// (0), or an error naming the option was printed (2).
std::optional<config::values> parse_or_explain(const config::parser& p, int argc, char** argv, int& exit_code);

// Writes `json` to `path` atomically (a temporary file, then rename), for scripts and tests that
// wait for the program to serve.
void write_ready_file(const std::string& path, const std::string& json);

// Ends the process with status 1 if it is still running `after` from now.
void exit_if_still_running(std::chrono::milliseconds after, std::string program);

}  // namespace brokkr::program
