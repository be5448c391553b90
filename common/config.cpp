#include "common/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "common/decimal.hpp"
#include "common/time.hpp"

namespace brokkr::config {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<bool> parse_bool(const std::string& text) {
  const std::string t = lower(text);
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return std::nullopt;
}

// A leading '+' is accepted (as in a YAML or environment value); a value beyond int64 is "not an
// integer" rather than an exception at start-up.
std::optional<long long> parse_int(const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with('+')) {
    digits.remove_prefix(1);
    if (digits.starts_with('-')) return std::nullopt;
  }
  const auto v = parse_decimal(digits);
  if (!v) return std::nullopt;
  return static_cast<long long>(*v);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

std::optional<std::pair<std::string, uint16_t>> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parse_int(text.substr(colon + 1));
  if (host.empty() || !port || *port < 0 || *port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(*port));
}

namespace {

std::string describe(const std::string& source, const option& o) {
  if (source == "env") return "environment variable " + (o.env.empty() ? env_name_for(o.name) : o.env);
  if (source == "file") return "config key '" + (o.yaml_path.empty() ? o.name : o.yaml_path) + "'";
  if (source == "default") return "default";
  return "flag --" + o.name;
}

// Checks one value against its option's type; returns an error sentence or "".
std::string validate(const option& o, const std::string& text) {
  switch (o.type) {
    case kind::string:
    case kind::list:
      return {};
    case kind::boolean:
      return parse_bool(text) ? "" : "must be true or false";
    case kind::integer: {
      const auto v = parse_int(text);
      if (!v) return "must be an integer";
      if (*v < o.min || *v > o.max)
        return "must be between " + std::to_string(o.min) + " and " + std::to_string(o.max);
      return {};
    }
    case kind::duration:
      return parse_duration(text) ? "" : "must be a duration such as 30s, 15m or 1h30m";
    case kind::host_port:
      return parse_host_port(text) ? "" : "must be HOST:PORT with a port between 0 and 65535";
  }
  return {};
}

void flatten(const YAML::Node& node, const std::string& prefix,
             std::vector<std::pair<std::string, YAML::Node>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else {
    out.emplace_back(prefix, node);
  }
}

}  // namespace

std::string env_name_for(const std::string& flag_name) {
  std::string out = "BROKKR_";
  for (char c : flag_name) {
    out += (c == '-' || c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

// --- values ----------------------------------------------------------------------------------

const values::entry& values::at(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw std::logic_error("config: unknown option '" + name + "'");
  return it->second;
}
bool values::is_set(const std::string& name) const { return at(name).set; }
const std::string& values::str(const std::string& name) const { return at(name).text; }
long long values::integer(const std::string& name) const {
  const auto& e = at(name);
  return e.text.empty() ? 0 : *parse_int(e.text);
}
bool values::boolean(const std::string& name) const {
  const auto& e = at(name);
  return e.text.empty() ? false : *parse_bool(e.text);
}
std::chrono::milliseconds values::duration(const std::string& name) const {
  const auto& e = at(name);
  return e.text.empty() ? std::chrono::milliseconds{0} : *parse_duration(e.text);
}
std::vector<std::string> values::list(const std::string& name) const { return at(name).items; }
std::pair<std::string, uint16_t> values::host_port(const std::string& name) const {
  const auto& e = at(name);
  if (e.text.empty()) return {"", 0};
  return *parse_host_port(e.text);
}
const std::string& values::source(const std::string& name) const { return at(name).source; }

// --- parser ----------------------------------------------------------------------------------

parser::parser(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {
  add({.name = "config", .help = "YAML file with any of these options as keys"});
}

parser& parser::add(option o) {
  if (o.yaml_path.empty()) o.yaml_path = o.name;
  if (o.env.empty()) o.env = env_name_for(o.name);
  options_.push_back(std::move(o));
  return *this;
}

parser& parser::stop_at_positional(bool on) {
  stop_at_positional_ = on;
  return *this;
}

const option* parser::find(const std::string& name) const {
  for (const auto& o : options_)
    if (o.name == name) return &o;
  return nullptr;
}

expected<values, error> parser::parse(int argc, const char* const* argv,
                                      const env_lookup& env) const {
  values out;
  std::map<std::string, std::vector<std::string>> from_flags;
  // 1. Flags.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.help_ = true;
      continue;
    }
    if (arg == "--version") {
      out.version_ = true;
      continue;
    }
    if (arg == "--") {
      for (++i; i < argc; ++i) out.positional_.emplace_back(argv[i]);
      break;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      out.positional_.push_back(arg);
      if (stop_at_positional_) {
        for (++i; i < argc; ++i) out.positional_.emplace_back(argv[i]);
        break;
      }
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const option* o = find(name);
    if (!o) return unexpected(error{"--" + name, "unknown flag --" + name + " (see --help)"});
    if (!has_value) {
      if (o->type == kind::boolean && (i + 1 >= argc || !parse_bool(argv[i + 1]))) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return unexpected(error{"--" + name, "flag --" + name + " needs a value"});
      }
    }
    from_flags[name].push_back(value);
  }

  // 2. YAML file (lowest precedence of the explicit sources).
  std::map<std::string, std::vector<std::string>> from_file;
  std::string config_path;
  if (auto it = from_flags.find("config"); it != from_flags.end()) config_path = it->second.back();
  else if (auto e = env(env_name_for("config"))) config_path = *e;
  if (!config_path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(config_path);
    } catch (const std::exception& ex) {
      return unexpected(error{"--config", "cannot read config file " + config_path + ": " + ex.what()});
    }
    std::vector<std::pair<std::string, YAML::Node>> leaves;
    if (root.IsDefined() && !root.IsNull()) {
      if (!root.IsMap())
        return unexpected(error{"--config", "config file " + config_path + " must be a YAML mapping"});
      flatten(root, "", leaves);
    }
    for (const auto& [path, node] : leaves) {
      const option* match = nullptr;
      for (const auto& o : options_)
        if (o.yaml_path == path || o.name == path) match = &o;
      if (!match || match->name == "config")
        return unexpected(error{path, "config file " + config_path + ": unknown key '" + path + "'"});
      auto& dst = from_file[match->name];
      if (node.IsSequence()) {
        for (const auto& item : node) dst.push_back(item.as<std::string>());
      } else if (node.IsScalar()) {
        dst.push_back(node.as<std::string>());
      } else if (node.IsNull()) {
        // "key:" with nothing after it leaves the default in place.
      } else {
        return unexpected(error{path, "config file " + config_path + ": key '" + path +
                                          "' must be a scalar or a list"});
      }
    }
  }

  // 3. Resolve each option: flag > env > file > default, then validate.
  for (const auto& o : options_) {
    values::entry e;
    std::vector<std::string> raw;
    if (auto it = from_flags.find(o.name); it != from_flags.end()) {
      raw = it->second;
      e.source = "flag";
    } else if (auto v = env(o.env)) {
      raw = {*v};
      e.source = "env";
    } else if (auto f = from_file.find(o.name); f != from_file.end()) {
      raw = f->second;
      e.source = "file";
    } else if (!o.default_value.empty()) {
      raw = {o.default_value};
      e.source = "default";
    }
    if (raw.empty()) {
      if (o.required && !out.help_ && !out.version_)
        return unexpected(error{"--" + o.name, "--" + o.name + " is required (flag, " + o.env +
                                                   " or config key '" + o.yaml_path + "')"});
      out.entries_[o.name] = e;
      continue;
    }
    if (o.type == kind::list) {
      for (const auto& r : raw)
        for (auto& item : (e.source == "file" ? std::vector<std::string>{r} : split_list(r)))
          e.items.push_back(item);
      std::ostringstream joined;
      for (size_t i = 0; i < e.items.size(); ++i) joined << (i ? "," : "") << e.items[i];
      e.text = joined.str();
    } else {
      e.text = raw.back();
      if (e.source != "default" && e.text.empty() && o.required)
        return unexpected(error{"--" + o.name, "--" + o.name + " must not be empty (" +
                                                   describe(e.source, o) + ")"});
      if (!e.text.empty()) {
        if (auto problem = validate(o, e.text); !problem.empty()) {
          std::string shown = o.secret ? "<hidden>" : "'" + e.text + "'";
          return unexpected(error{"--" + o.name, "invalid value " + shown + " for --" + o.name +
                                                     " (" + describe(e.source, o) + "): " + problem});
        }
      }
    }
    e.set = true;
    out.entries_[o.name] = e;
  }
  return out;
}

std::string value_name(const option& o) {
  switch (o.type) {
    case kind::integer: return "N";
    case kind::duration: return "DURATION";
    case kind::host_port: return "HOST:PORT";
    case kind::list: return "A,B,...";
    case kind::boolean: return "";
    case kind::string: return "VALUE";
  }
  return "VALUE";
}

std::string parser::usage() const {
  std::ostringstream os;
  os << "usage: " << program_ << " [flags]\n" << summary_ << "\n\nflags (each also " 
     << "BROKKR_<NAME> in the environment and a key in --config FILE):\n";
  for (const auto& o : options_) {
    os << "  --" << o.name;
    if (const auto v = value_name(o); !v.empty()) os << " " << v;
    os << "\n      " << o.help;
    if (!o.default_value.empty()) os << " (default " << o.default_value << ")";
    if (o.required) os << " (required)";
    os << "\n      env " << o.env;
    if (o.yaml_path != o.name) os << ", config key " << o.yaml_path;
    os << "\n";
  }
  os << "  --version\n      print the version and exit\n  --help, -h\n      print this help and exit\n";
  return os.str();
}

std::string duration_text(std::chrono::milliseconds d) { return format_duration(d); }

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::string host_port_text(const std::string& host, uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace brokkr::config
