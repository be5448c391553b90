#include "cli/app.hpp"

#include <ostream>

#include "cli/api_client.hpp"
#include "cli/command_line.hpp"
#include "cli/global_options.hpp"
#include "cli/terminal_safe.hpp"

namespace brokkr::cli {
namespace {

// The flag that supplies an API field the broker rejected, so the user knows what to change.
std::string flag_for(const command_spec* spec, const std::string& field) {
  if (!spec || field.empty()) return {};
  for (const auto& [prefix, flag] : spec->field_flags)
    if (field.compare(0, prefix.size(), prefix) == 0) return flag;
  return {};
}

int report(std::ostream& err, const cli_error& e, const command_spec* spec) {
  err << "brokkr: error: " << e.message;
  if (const auto flag = flag_for(spec, e.field); !flag.empty()) err << " [set by " << flag << "]";
  err << "\n";
  return e.exit_code;
}

}  // namespace

int run_cli(const std::vector<std::string>& argv, const config::env_lookup& env, app_io raw) {
  // Everything written to the user passes the control-character filter (cli/terminal_safe.hpp).
  terminal_safe_stream out(raw.out), err(raw.err);
  struct flush_at_exit {
    std::ostream& a;
    std::ostream& b;
    ~flush_at_exit() {
      a.flush();
      b.flush();
    }
  } flusher{out, err};
  app_io io{raw.in, out, err};
  auto inv = parse_command_line(argv, cli_environment(env));
  if (!inv) return report(io.err, inv.error(), nullptr);
  if (!inv->help.empty()) {
    io.out << inv->help;
    return exit_code::success;
  }
  auto settings = settings_from(inv->values, inv->spec->needs_server, inv->spec->needs_key);
  if (!settings) return report(io.err, settings.error(), inv->spec);
  api_client api({settings->server, settings->key, settings->timeout, settings->ca_file});
  command_context ctx{*inv->spec, inv->values, inv->args, api, settings->output, io.out, io.err, io.in};
  auto outcome = inv->spec->run(ctx);
  if (!outcome) return report(io.err, outcome.error(), inv->spec);
  return *outcome;
}

}  // namespace brokkr::cli
