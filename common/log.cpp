#include "common/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace brokkr::log {
namespace {

level initial_level() {
  level l = level::info;
  if (const char* env = std::getenv("BROKKR_LOG_LEVEL")) parse_level(env, l);
  return l;
}

std::atomic<level>& threshold() {
  static std::atomic<level> value{initial_level()};
  return value;
}

std::atomic<format>& line_format() {
  static std::atomic<format> value{format::text};
  return value;
}

std::mutex& out_mutex() {
  static std::mutex m;
  return m;
}

const char* name(level l) {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    case level::off: break;
  }
  return "?";
}

const char* tag(level l) {
  switch (l) {
    case level::debug: return "DEBUG";
    case level::info: return "INFO ";
    case level::warn: return "WARN ";
    case level::error: return "ERROR";
    case level::off: break;
  }
  return "?    ";
}

}  // namespace

void set_level(level l) { threshold().store(l); }
level current_level() { return threshold().load(std::memory_order_relaxed); }

bool parse_level(std::string_view text, level& out) {
  if (text == "debug") out = level::debug;
  else if (text == "info") out = level::info;
  else if (text == "warn" || text == "warning") out = level::warn;
  else if (text == "error") out = level::error;
  else if (text == "off") out = level::off;
  else return false;
  return true;
}

void set_format(format f) { line_format().store(f); }

bool parse_format(std::string_view text, format& out) {
  if (text == "text") out = format::text;
  else if (text == "json") out = format::json;
  else return false;
  return true;
}

std::string render(format f, level l, std::string_view component, std::string_view message) {
  const std::string ts = format_rfc3339_millis(std::chrono::system_clock::now());
  if (f == format::json) {
    const nlohmann::json line = {
        {"ts", ts}, {"level", name(l)}, {"component", component}, {"msg", message}};
    // A message can carry bytes from outside (a pod log line, a peer's text): replace what is not
    // UTF-8 rather than throw out of a log call.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
  }
  std::string line = ts;
  line += ' ';
  line += tag(l);
  line += " [";
  line += component;
  line += "] ";
  line += message;
  line += '\n';
  return line;
}

void write(level l, std::string_view component, std::string_view message) {
  const std::string line = render(line_format().load(std::memory_order_relaxed), l, component, message);
  std::lock_guard<std::mutex> guard(out_mutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace brokkr::log
