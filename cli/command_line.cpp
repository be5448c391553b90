#include "cli/command_line.hpp"

#include <algorithm>

#include "cli/global_options.hpp"
#include "cli/help.hpp"
#include "common/version.hpp"

namespace brokkr::cli {
namespace {

expected<config::values, config::error> run_parser(const config::parser& p, const std::vector<std::string>& args,
                                                   const config::env_lookup& env) {
  std::vector<const char*> ptrs;
  for (const auto& a : args) ptrs.push_back(a.c_str());
  return p.parse(static_cast<int>(ptrs.size()), ptrs.data(), env);
}

bool is_help(const std::string& word) { return word == "--help" || word == "-h"; }

const command_spec* find_command(const std::string& group, const std::string& verb) {
  for (const auto& c : command_catalog())
    if (c.group == group && c.verb == verb) return &c;
  return nullptr;
}

const command_spec* find_one_word_command(const std::string& word) { return find_command(word, ""); }

bool known_group(const std::string& group) {
  const auto& all = command_catalog();
  return std::any_of(all.begin(), all.end(), [&](const command_spec& c) { return c.group == group; });
}

cli_error usage_with_hint(std::string message, const std::string& help_command) {
  // The config parser ends some messages with a generic pointer; ours names the command.
  const std::string generic = " (see --help)";
  if (message.size() > generic.size() && message.compare(message.size() - generic.size(), generic.size(), generic) == 0)
    message.resize(message.size() - generic.size());
  return usage_error(message + " (see '" + help_command + " --help')");
}

// Command flags are flags only: the config file may hold the global keys and nothing else.
result<ok_t> check_file_keys(const command_spec& spec, const config::values& v) {
  for (const auto& o : spec.options)
    if (v.source(o.name) == "file")
      return unexpected(usage_error("config file key '" + o.name +
                                    "' is not allowed: the config file holds only server, key-file, key, ca-file, output and timeout"));
  return ok;
}

result<ok_t> check_arg_count(const command_spec& spec, std::size_t given) {
  if (given >= spec.min_args && given <= spec.max_args) return ok;
  const auto name = command_name(spec);
  if (given < spec.min_args) return unexpected(usage_with_hint(name + " needs " + spec.arguments, name));
  return unexpected(usage_with_hint(name + " takes " + (spec.max_args == 0 ? "no arguments" : spec.arguments) +
                                        ", not more",
                                    name));
}

result<invocation> parse_command(const command_spec& spec, std::vector<std::string> args, const config::env_lookup& env) {
  const auto name = command_name(spec);
  config::parser p(name, spec.summary);
  for (auto& o : global_options()) p.add(std::move(o));
  for (const auto& o : spec.options) p.add(o);
  auto values = run_parser(p, args, env);
  if (!values) return unexpected(usage_with_hint(values.error().message, name));
  invocation inv;
  inv.spec = &spec;
  if (values->help_requested()) {
    inv.help = command_help(spec);
    return inv;
  }
  if (auto s = check_file_keys(spec, *values); !s) return unexpected(s.error());
  if (auto s = check_arg_count(spec, values->positional().size()); !s) return unexpected(s.error());
  inv.args = values->positional();
  inv.values = std::move(*values);
  return inv;
}

}  // namespace

std::vector<std::string> expand_short_flags(std::vector<std::string> argv) {
  // After `work logs`, -f means --follow (kubectl logs -f); everywhere else --file (kubectl apply -f).
  bool logs = false;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--") break;
    if (argv[i] == "logs" && argv[i - 1] == "work") logs = true;
    if (argv[i] == "-o") argv[i] = "--output";
    else if (argv[i] == "-f") argv[i] = logs ? "--follow" : "--file";
    else if (argv[i] == "-l") argv[i] = "--selector";
    else if (argv[i] == "-w") argv[i] = "--watch";
  }
  return argv;
}

result<invocation> parse_command_line(const std::vector<std::string>& raw, const config::env_lookup& env) {
  const auto argv = expand_short_flags(raw);
  config::parser globals("brokkr", "");
  for (auto& o : global_options()) globals.add(std::move(o));
  globals.stop_at_positional();
  auto first = run_parser(globals, argv, env);
  if (!first) return unexpected(usage_with_hint(first.error().message, "brokkr"));
  const auto& words = first->positional();
  invocation inv;
  if (first->version_requested() && words.empty()) {
    inv.help = "brokkr " + std::string(version()) + "\n";
    return inv;
  }
  if (words.empty() || is_help(words[0])) {
    if (first->help_requested() || !words.empty()) {
      inv.help = top_help();
      return inv;
    }
    return unexpected(usage_with_hint("missing command", "brokkr"));
  }
  const auto leading = argv.size() - 1 - words.size();
  // The global flags that came before the command, then everything after the command's words.
  auto args_after = [&](std::size_t command_words) {
    std::vector<std::string> args(argv.begin(), argv.begin() + 1 + static_cast<std::ptrdiff_t>(leading));
    args.insert(args.end(), words.begin() + static_cast<std::ptrdiff_t>(command_words), words.end());
    return args;
  };
  if (const auto* single = find_one_word_command(words[0])) return parse_command(*single, args_after(1), env);
  if (!known_group(words[0])) return unexpected(usage_with_hint("unknown command '" + words[0] + "'", "brokkr"));
  if (words.size() < 2 || is_help(words[1])) {
    if (first->help_requested() || words.size() >= 2) {
      inv.help = group_help(words[0]);
      return inv;
    }
    return unexpected(usage_with_hint("missing " + words[0] + " command", "brokkr " + words[0]));
  }
  const auto* spec = find_command(words[0], words[1]);
  if (!spec)
    return unexpected(usage_with_hint("unknown command '" + words[0] + " " + words[1] + "'", "brokkr " + words[0]));
  return parse_command(*spec, args_after(2), env);
}

}  // namespace brokkr::cli
