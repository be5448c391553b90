#include "cli/tool_commands.hpp"

#include <algorithm>
#include <ostream>
#include <set>
#include <sstream>

#include "cli/api_client.hpp"
#include "cli/command_support.hpp"
#include "cli/global_options.hpp"
#include "cli/json_fields.hpp"
#include "common/version.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

// --- completion ------------------------------------------------------------------------------------

bool takes_value(const config::option& o) { return o.type != config::kind::boolean; }

std::string flags_of(const std::vector<config::option>& options) {
  std::string out;
  for (const auto& o : options) out += (out.empty() ? "--" : " --") + o.name;
  return out;
}

std::vector<std::string> groups() {
  std::vector<std::string> out;
  for (const auto& c : command_catalog())
    if (std::find(out.begin(), out.end(), c.group) == out.end()) out.push_back(c.group);
  return out;
}

std::string verbs_of(const std::string& group) {
  std::string out;
  for (const auto& c : command_catalog())
    if (c.group == group && !c.verb.empty()) out += (out.empty() ? "" : " ") + c.verb;
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Words a command's positional argument can be completed with (only `completion` has a fixed set).
const char* argument_words(const command_spec& c) { return c.group == "completion" ? "bash zsh fish" : ""; }

// One bash function serves bash and, through bashcompinit, zsh: it finds the command words among
// what was typed (skipping flags and the values of flags that take one), then offers the next word
// or the flags of that command.
std::string bash_script(bool for_zsh) {
  std::set<std::string> value_flags = {"-o", "-f", "-l"};
  for (const auto& o : global_options())
    if (takes_value(o)) value_flags.insert("--" + o.name);
  value_flags.insert("--config");
  for (const auto& c : command_catalog())
    for (const auto& o : c.options)
      if (takes_value(o)) value_flags.insert("--" + o.name);
  std::string value_pattern;
  for (const auto& f : value_flags) value_pattern += (value_pattern.empty() ? "" : "|") + f;

  std::ostringstream os;
  if (for_zsh)
    os << "#compdef brokkr\n# brokkr completion for zsh: source <(brokkr completion zsh), or save it as _brokkr in "
          "$fpath\nautoload -U +X bashcompinit && bashcompinit\n";
  else
    os << "# brokkr completion for bash: source <(brokkr completion bash), or save it under\n"
          "# /etc/bash_completion.d/brokkr\n";
  // zsh runs the function itself (bashcompinit only supplies COMP_WORDS, compgen and complete):
  // ksharrays makes COMP_WORDS zero-based there as in bash.
  os << "_brokkr() {\n"
        "  [[ -n ${ZSH_VERSION-} ]] && setopt localoptions ksharrays\n"
        "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\"\n"
        "  ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        "  local -a cmd=()\n"
        "  local i w\n"
        "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "    w=\"${COMP_WORDS[i]}\"\n"
        "    case \"$w\" in\n"
        "      --*=*) ;;\n"
        "      "
     << value_pattern
     << ") ((i++)) ;;\n"
        "      -*) ;;\n"
        "      *) cmd+=(\"$w\") ;;\n"
        "    esac\n"
        "  done\n"
        "  case \"$prev\" in\n"
        "    -o|--output) COMPREPLY=($(compgen -W \"table json yaml\" -- \"$cur\")); return 0 ;;\n"
        "    -f|--file|--key-file|--ca-file|--config) COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n"
        "    --match) COMPREPLY=($(compgen -W \"all any\" -- \"$cur\")); return 0 ;;\n"
        "  esac\n"
        "  local globals=\""
     << flags_of(global_options())
     << " --config --help\"\n"
        "  if [[ \"$cur\" == -* ]]; then\n"
        "    local flags=\"\"\n"
        "    case \"${cmd[0]-}:${cmd[1]-}\" in\n";
  for (const auto& c : command_catalog()) {
    const std::string pattern = c.verb.empty() ? c.group + ":*" : c.group + ":" + c.verb;
    os << "      " << pattern << ") flags=\"" << flags_of(c.options) << "\" ;;\n";
  }
  os << "    esac\n"
        "    COMPREPLY=($(compgen -W \"$flags $globals\" -- \"$cur\"))\n"
        "    return 0\n"
        "  fi\n"
        "  local words=\"\"\n"
        "  if ((${#cmd[@]} == 0)); then\n"
        "    words=\""
     << join(groups())
     << "\"\n"
        "  elif ((${#cmd[@]} == 1)); then\n"
        "    case \"${cmd[0]}\" in\n";
  for (const auto& g : groups()) {
    const auto verbs = verbs_of(g);
    if (!verbs.empty()) os << "      " << g << ") words=\"" << verbs << "\" ;;\n";
  }
  for (const auto& c : command_catalog())
    if (c.verb.empty() && *argument_words(c)) os << "      " << c.group << ") words=\"" << argument_words(c) << "\" ;;\n";
  os << "    esac\n"
        "  fi\n"
        "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
        "  return 0\n"
        "}\n"
        "complete -F _brokkr brokkr\n";
  return os.str();
}

// Fish quotes with single quotes; a ' inside is written \'.
std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string fish_script() {
  std::ostringstream os;
  os << "# brokkr completion for fish: brokkr completion fish | source, or save it as\n"
        "# ~/.config/fish/completions/brokkr.fish\n"
        "complete -c brokkr -f\n";
  const auto all_groups = groups();
  for (const auto& g : all_groups) {
    std::string summary;
    for (const auto& c : command_catalog())
      if (c.group == g && c.verb.empty()) summary = c.summary;
    if (summary.empty()) summary = g + " commands";
    os << "complete -c brokkr -n " << fish_quote("not __fish_seen_subcommand_from " + join(all_groups)) << " -a "
       << fish_quote(g) << " -d " << fish_quote(summary) << "\n";
  }
  for (const auto& g : all_groups) {
    const auto verbs = verbs_of(g);
    if (verbs.empty()) continue;
    for (const auto& c : command_catalog()) {
      if (c.group != g || c.verb.empty()) continue;
      os << "complete -c brokkr -n "
         << fish_quote("__fish_seen_subcommand_from " + g + "; and not __fish_seen_subcommand_from " + verbs) << " -a "
         << fish_quote(c.verb) << " -d " << fish_quote(c.summary) << "\n";
      for (const auto& o : c.options)
        os << "complete -c brokkr -n "
           << fish_quote("__fish_seen_subcommand_from " + g + "; and __fish_seen_subcommand_from " + c.verb) << " -l "
           << o.name << (takes_value(o) ? (o.name == "file" ? " -r -F" : " -r") : "") << " -d " << fish_quote(o.help)
           << "\n";
    }
  }
  for (const auto& c : command_catalog())
    if (c.verb.empty() && *argument_words(c))
      os << "complete -c brokkr -n " << fish_quote("__fish_seen_subcommand_from " + c.group) << " -a "
         << fish_quote(argument_words(c)) << "\n";
  for (const auto& o : global_options()) {
    os << "complete -c brokkr";
    if (o.name == "output") os << " -s o";
    os << " -l " << o.name;
    if (o.name == "output") os << " -x -a 'table json yaml'";
    else if (o.name == "key-file" || o.name == "ca-file") os << " -r -F";
    else if (takes_value(o)) os << " -r";
    os << " -d " << fish_quote(o.help) << "\n";
  }
  os << "complete -c brokkr -l config -r -F -d 'YAML file with the global flags as keys'\n"
        "complete -c brokkr -s f -n '__fish_seen_subcommand_from submit' -r -F -d 'spec file'\n";
  return os.str();
}

}  // namespace

std::string completion_script(std::string_view shell) {
  if (shell == "bash") return bash_script(false);
  if (shell == "zsh") return bash_script(true);
  if (shell == "fish") return fish_script();
  return {};
}

result<int> print_completion(command_context& c) {
  const auto script = completion_script(c.args.at(0));
  if (script.empty())
    return unexpected(usage_error("brokkr completion takes bash, zsh or fish, not '" + c.args.at(0) + "'"));
  c.out << script;
  return exit_code::success;
}

result<int> show_version(command_context& c) {
  json doc = {{"client", {{"version", std::string(brokkr::version())}}}};
  std::string table = "Client Version: " + std::string(brokkr::version()) + "\n";
  if (c.api.server().empty()) {
    print_result(c, doc, table + "Server Version: (no server configured: give --server URL)\n");
    return exit_code::success;
  }
  auto server = c.api.get("/version");
  if (!server) {
    // The client's half is still worth printing (kubectl does the same); the exit code says why
    // the server's is missing.
    print_result(c, doc, table);
    return unexpected(server.error());
  }
  doc["server"] = *server;
  doc["server"]["url"] = c.api.server();
  table += "Server Version: " + field_text(*server, "version") + " (" + c.api.server() + ")\n";
  if (const auto protocol = field_text(*server, "protocol_version"); !protocol.empty())
    table += "Agent Protocol: " + protocol + "\n";
  print_result(c, doc, table);
  return exit_code::success;
}

}  // namespace brokkr::cli
