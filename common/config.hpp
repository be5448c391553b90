#pragma once
// Node configuration with one precedence rule for every executable (DESIGN.md section 10):
// command-line flag > BROKKR_* environment variable > YAML file given by --config > default.
// Every option is validated at start-up; an error names the option and where its value came from.
#include <chrono>
#include <climits>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace brokkr::config {

enum class kind { string, integer, boolean, duration, list, host_port };

struct option {
  std::string name;            // flag name: --database-url
  std::string help;
  std::string default_value;   // text form; empty means "unset"
  kind type = kind::string;
  long long min = LLONG_MIN;   // integer bounds (inclusive)
  long long max = LLONG_MAX;
  bool required = false;
  std::string yaml_path;       // dotted key in the YAML file; defaults to the flag name
  std::string env;             // defaults to BROKKR_ + upper-case name with '-' and '.' as '_'
  bool secret = false;         // never echoed in errors or dumps
};

// What --help shows after the flag for its value, from its type: N, DURATION, HOST:PORT, A,B,...,
// VALUE; empty for a boolean.
std::string value_name(const option& o);

struct error {
  std::string field;    // "--lease-seconds"
  std::string message;  // full sentence naming the field and the source
};

class values {
 public:
  bool is_set(const std::string& name) const;
  const std::string& str(const std::string& name) const;
  long long integer(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::chrono::milliseconds duration(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;
  // HOST:PORT split; port is 0..65535.
  std::pair<std::string, uint16_t> host_port(const std::string& name) const;
  // "flag", "env", "file" or "default"
  const std::string& source(const std::string& name) const;

  bool help_requested() const { return help_; }
  bool version_requested() const { return version_; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend class parser;
  struct entry {
    std::string text;
    std::vector<std::string> items;  // list options
    std::string source;
    bool set = false;
  };
  const entry& at(const std::string& name) const;
  std::map<std::string, entry> entries_;
  std::vector<std::string> positional_;
  bool help_ = false;
  bool version_ = false;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
env_lookup process_env();

class parser {
 public:
  parser(std::string program, std::string summary);
  parser& add(option o);
  // Stop flag parsing at the first positional argument (for CLIs with subcommands).
  parser& stop_at_positional(bool on = true);

  expected<values, error> parse(int argc, const char* const* argv,
                                const env_lookup& env = process_env()) const;
  std::string usage() const;
  const std::vector<option>& options() const { return options_; }

 private:
  const option* find(const std::string& name) const;
  std::string program_;
  std::string summary_;
  std::vector<option> options_;
  bool stop_at_positional_ = false;
};

std::string env_name_for(const std::string& flag_name);

// An option's default in the text form the parser reads, made from the value a settings struct is
// initialised with: the struct's initialiser is the one place a default is written, and --help,
// docs/configuration.md (checked by unit_docs_config) and the parser all show that value.
std::string duration_text(std::chrono::milliseconds d);  // Go-style: "30s", "1h30m", "500ms"
std::string list_text(const std::vector<std::string>& items);  // "a,b"
std::string host_port_text(const std::string& host, uint16_t port);
inline std::string boolean_text(bool b) { return b ? "true" : "false"; }
// "HOST:PORT" (or "[v6]:PORT") split, port 0..65535; nullopt when malformed.
std::optional<std::pair<std::string, uint16_t>> parse_host_port(const std::string& text);

}  // namespace brokkr::config
