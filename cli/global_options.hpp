#pragma once
// The flags every command takes (DESIGN.md section 10): each is also BROKKR_<NAME> in the
// environment and a key of the YAML config file (--config, else the default file when it exists).
// Flag beats environment beats file. Command flags (--type, --label, ...) are flags only.
#include <chrono>
#include <string>
#include <vector>

#include "cli/cli_error.hpp"
#include "cli/output_format.hpp"
#include "common/config.hpp"

namespace brokkr::cli {

std::vector<config::option> global_options();

struct global_settings {
  std::string server;
  std::string key;      // the API key itself, read from --key-file or given by --key
  std::string ca_file;  // extra CA bundle for https://; empty: the system's trust store
  output_format output = output_format::table;
  std::chrono::milliseconds timeout{30000};
};

// Validates --output and --timeout, finds the server and reads the key; a missing server or key,
// or an unreadable key file, is a usage error (nothing has been sent yet).
// `need_server`/`need_key` false (brokkr version, completion): a missing one is no error, and a
// key is not read at all.
result<global_settings> settings_from(const config::values& values, bool need_server = true, bool need_key = true);

// "$XDG_CONFIG_HOME/brokkr/config.yaml", else "$HOME/.config/brokkr/config.yaml"; "" if neither is set.
std::string default_config_path(const config::env_lookup& env);

// The environment as the CLI's parsers see it: only the global options' variables, and
// BROKKR_CONFIG falls back to the default config file when that file exists.
config::env_lookup cli_environment(config::env_lookup base);

}  // namespace brokkr::cli
