#include "cli/help.hpp"

#include <sstream>
#include <utility>

#include "cli/global_options.hpp"

namespace brokkr::cli {
namespace {

// What --help shows after a flag for its value: by flag name where the type says too little.
std::string metavar(const config::option& o) {
  static const std::pair<const char*, const char*> named[] = {
      {"server", "URL"},   {"key-file", "PATH"}, {"ca-file", "PATH"},   {"key", "KEY"},          {"output", "table|json|yaml"},
      {"file", "FILE"},    {"type", "TYPE"},       {"label", "LABEL"},      {"annotation", "KEY=VALUE"},
      {"agent", "ID"},     {"match", "all|any"},   {"idempotency-key", "KEY"}, {"status", "STATUS"},
      {"cluster", "CLUSTER"}, {"remove", "KEY"}};
  for (const auto& [name, shown] : named)
    if (o.name == name) return std::string(" ") + shown;
  const auto v = config::value_name(o);
  return v.empty() ? v : " " + v;
}

void write_options(std::ostringstream& os, const std::vector<config::option>& options, bool with_env) {
  for (const auto& o : options) {
    os << "  --" << o.name << metavar(o) << "\n      " << o.help;
    if (o.type == config::kind::list) os << " (repeat the flag, or separate values with commas)";
    if (!o.default_value.empty()) os << " (default " << o.default_value << ")";
    if (with_env) os << "\n      env " << config::env_name_for(o.name) << ", config key " << o.name;
    os << "\n";
  }
}

void write_command_line(std::ostringstream& os, const command_spec& c) {
  std::string usage = command_name(c).substr(std::string("brokkr ").size()) + (c.arguments.empty() ? "" : " " + c.arguments);
  os << "  " << usage << std::string(usage.size() < 36 ? 36 - usage.size() : 1, ' ') << c.summary << "\n";
}

void write_commands(std::ostringstream& os, const std::string& group) {
  for (const auto& c : command_catalog()) {
    if (c.group != group || c.verb.empty()) continue;
    write_command_line(os, c);
  }
}

void write_one_word_commands(std::ostringstream& os) {
  for (const auto& c : command_catalog())
    if (c.verb.empty()) write_command_line(os, c);
}

const char* exit_code_text =
    "exit codes:\n"
    "  0 success (with --wait: the work COMPLETED)   1 the broker answered with an error (4xx/5xx)\n"
    "  2 usage error, nothing was sent               3 with --wait: the work ended FAILED_PERMANENT\n"
    "  4 with --wait: the work ended CANCELED        5 the broker could not be reached\n"
    "  6 authentication or permission denied (401/403)   7 no such work item or agent (404)\n";

}  // namespace

std::string top_help() {
  std::ostringstream os;
  os << "brokkr: the command-line client of the Brokkr broker\n\n"
     << "usage: brokkr [global flags] <work|agents> <command> [arguments] [flags]\n\n"
     << "work commands:\n";
  write_commands(os, "work");
  os << "\nagents commands:\n";
  write_commands(os, "agents");
  os << "\nother commands:\n";
  write_one_word_commands(os);
  os << "\nglobal flags (before or after the command):\n  -o is --output, -f is --file\n";
  write_options(os, global_options(), true);
  os << "  --config FILE\n      YAML file with the global flags as keys (default ~/.config/brokkr/config.yaml if it "
        "exists)\n      env BROKKR_CONFIG\n"
     << "  --version\n      print the client's version and exit ('brokkr version' adds the server's)\n\n"
     << exit_code_text << "\nRun 'brokkr <work|agents> <command> --help' for a command's flags. See docs/cli.md.\n";
  return os.str();
}

std::string group_help(const std::string& group) {
  std::ostringstream os;
  os << "usage: brokkr " << group << " <command> [arguments] [flags]\n\n" << group << " commands:\n";
  write_commands(os, group);
  os << "\nRun 'brokkr " << group << " <command> --help' for a command's flags, 'brokkr --help' for global flags.\n";
  return os.str();
}

std::string command_help(const command_spec& spec) {
  std::ostringstream os;
  os << "usage: " << command_name(spec) << (spec.arguments.empty() ? "" : " " + spec.arguments)
     << " [flags]\n\n"
     << spec.summary << "\n";
  if (!spec.options.empty()) {
    os << "\nflags:\n";
    write_options(os, spec.options, false);
  }
  os << "\nglobal flags: --server URL, --key-file PATH, --key KEY, -o table|json|yaml, --timeout DURATION, "
        "--ca-file PATH, --config FILE (see 'brokkr --help')\n\n"
     << exit_code_text;
  return os.str();
}

}  // namespace brokkr::cli
