#include "common/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

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

std::mutex& out_mutex() {
  static std::mutex m;
  return m;
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

void write(level l, std::string_view component, std::string_view message) {
  std::string line = format_rfc3339_millis(std::chrono::system_clock::now());
  line += ' ';
  line += tag(l);
  line += " [";
  line += component;
  line += "] ";
  line += message;
  line += '\n';
  std::lock_guard<std::mutex> guard(out_mutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace brokkr::log
