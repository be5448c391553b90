#pragma once
// One `brokkr <group> <verb>` command: what it accepts (for parsing and --help), which flag supplies
// each API field (so a broker error can name the flag), and the function that runs it.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_error.hpp"
#include "cli/output_format.hpp"
#include "common/config.hpp"

namespace brokkr::cli {

class api_client;
struct command_spec;

// What a running command may use; it writes results to `out` and progress and notices to `err`.
struct command_context {
  const command_spec& spec;
  const config::values& values;         // global and command flags
  const std::vector<std::string>& args;  // positional arguments after "<group> <verb>"
  api_client& api;
  output_format format;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
};

// The exit code on success (non-zero only for `--wait` ending in failure or cancel), or the error.
using command_fn = result<int> (*)(command_context&);

inline constexpr std::size_t any_number = SIZE_MAX;

struct command_spec {
  std::string group;      // "work" or "agents"; a one-word command ("version") has it alone
  std::string verb;       // "submit"; empty for a one-word command
  std::string arguments;  // for usage lines: "ID", "ID LABEL..."
  std::string summary;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::vector<config::option> options;
  // API field (or a prefix of it, like "targets") -> the flag or argument that supplies it.
  std::vector<std::pair<std::string, std::string>> field_flags;
  command_fn run = nullptr;
  // `brokkr version` works without a key (and without a server: then it shows the client's only);
  // `brokkr completion` talks to no broker at all.
  bool needs_server = true;
  bool needs_key = true;
};

// "brokkr work submit", "brokkr version".
std::string command_name(const command_spec& spec);

// Every command, in the order --help lists them.
const std::vector<command_spec>& command_catalog();

}  // namespace brokkr::cli
