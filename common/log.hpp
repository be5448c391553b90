#pragma once
// Line-oriented logging to stderr: "2026-11-28T06:39:18.123Z INFO  [component] message", or with
// --log-format json one object per line ({"ts","level","component","msg"}) for log collectors.
// One mutex-guarded write per line keeps lines whole when actors on several threads log at once.
#include <sstream>
#include <string>
#include <string_view>

namespace brokkr::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// Lines below this level are dropped. Set once at start (BROKKR_LOG_LEVEL or --log-level).
void set_level(level l);
level current_level();
bool parse_level(std::string_view text, level& out);

enum class format { text, json };
// Set once at start (BROKKR_LOG_FORMAT or --log-format).
void set_format(format f);
bool parse_format(std::string_view text, format& out);
// One line as written for `f`, newline included (exposed for tests).
std::string render(format f, level l, std::string_view component, std::string_view message);

void write(level l, std::string_view component, std::string_view message);

namespace detail {
template <class... Ts>
std::string concat(const Ts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
}  // namespace detail

template <class... Ts>
void debug(std::string_view component, const Ts&... parts) {
  if (current_level() <= level::debug) write(level::debug, component, detail::concat(parts...));
}
template <class... Ts>
void info(std::string_view component, const Ts&... parts) {
  if (current_level() <= level::info) write(level::info, component, detail::concat(parts...));
}
template <class... Ts>
void warn(std::string_view component, const Ts&... parts) {
  if (current_level() <= level::warn) write(level::warn, component, detail::concat(parts...));
}
template <class... Ts>
void error(std::string_view component, const Ts&... parts) {
  if (current_level() <= level::error) write(level::error, component, detail::concat(parts...));
}

}  // namespace brokkr::log
