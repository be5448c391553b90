#include "cli/global_options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace brokkr::cli {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s.substr(first);
}

result<std::string> read_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return unexpected(usage_error("cannot read key file " + path + ": " + std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  auto key = trim(ss.str());
  if (key.empty()) return unexpected(usage_error("key file " + path + " is empty"));
  return key;
}

// Flag beats environment beats config file; between --key and --key-file from the same source,
// --key wins.
int rank(const std::string& source) {
  if (source == "flag") return 3;
  if (source == "env") return 2;
  if (source == "file") return 1;
  return 0;
}

result<std::string> find_key(const config::values& v) {
  const bool key = v.is_set("key"), file = v.is_set("key-file");
  if (key && (!file || rank(v.source("key")) >= rank(v.source("key-file")))) return v.str("key");
  if (file) return read_key_file(v.str("key-file"));
  return unexpected(usage_error(
      "no API key: give --key-file PATH (or BROKKR_KEY_FILE, or key-file in the config file)"));
}

}  // namespace

std::vector<config::option> global_options() {
  using config::kind;
  const global_settings d;  // the defaults below are its initialisers
  return {
      {.name = "server", .help = "broker URL, e.g. http://127.0.0.1:8080"},
      {.name = "key-file", .help = "file holding the API key (brokkr_BR...)"},
      {.name = "key", .help = "the API key itself (less safe: other users may see it in the process list)", .secret = true},
      {.name = "ca-file", .help = "PEM CA bundle to trust for an https:// server, instead of the system's"},
      {.name = "output", .help = "output format: table, json or yaml", .default_value = std::string(to_string(d.output))},
      {.name = "timeout", .help = "limit for each request (streams: for connecting)",
       .default_value = config::duration_text(d.timeout),
       .type = kind::duration},
  };
}

result<global_settings> settings_from(const config::values& v, bool need_server, bool need_key) {
  global_settings s;
  const auto format = parse_output_format(v.str("output"));
  if (!format)
    return unexpected(usage_error("invalid value '" + v.str("output") + "' for -o/--output: must be table, json or yaml"));
  s.output = *format;
  s.timeout = v.duration("timeout");
  if (s.timeout.count() <= 0) return unexpected(usage_error("--timeout must be more than 0"));
  s.ca_file = v.str("ca-file");
  if (!s.ca_file.empty() && !std::ifstream(s.ca_file))
    return unexpected(usage_error("cannot read --ca-file " + s.ca_file + ": " + std::strerror(errno)));
  s.server = v.str("server");
  if (s.server.empty() && !need_server) return s;
  if (s.server.empty())
    return unexpected(usage_error("no broker URL: give --server URL (or BROKKR_SERVER, or server in the config file)"));
  if (s.server.rfind("http://", 0) != 0 && s.server.rfind("https://", 0) != 0)
    return unexpected(usage_error("invalid value '" + s.server + "' for --server: must start with http:// or https://"));
  if (!need_key) return s;
  auto key = find_key(v);
  if (!key) return unexpected(key.error());
  s.key = std::move(*key);
  return s;
}

std::string default_config_path(const config::env_lookup& env) {
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) return *xdg + "/brokkr/config.yaml";
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.config/brokkr/config.yaml";
  return {};
}

config::env_lookup cli_environment(config::env_lookup base) {
  std::vector<std::string> names = {config::env_name_for("config")};
  for (const auto& o : global_options()) names.push_back(config::env_name_for(o.name));
  return [base = std::move(base), names](const std::string& name) -> std::optional<std::string> {
    if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
    auto value = base(name);
    if (value || name != config::env_name_for("config")) return value;
    const auto fallback = default_config_path(base);
    std::error_code ec;
    if (!fallback.empty() && std::filesystem::is_regular_file(fallback, ec)) return fallback;
    return std::nullopt;
  };
}

}  // namespace brokkr::cli
