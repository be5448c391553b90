#include "persistence/pg_types.hpp"

#include <stdexcept>

#include "common/time.hpp"

namespace brokkr::persistence {
namespace {

void append_quoted(std::string& out, const std::string& item) {
  out += '"';
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string pg_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_quoted(out, items[i]);
  }
  return out + "}";
}

std::string pg_array(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (items[i]) append_quoted(out, *items[i]);
    else out += "NULL";
  }
  return out + "}";
}

std::string pg_array(const std::vector<int>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::to_string(items[i]);
  return out + "}";
}

std::string pg_array(const std::vector<bool>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::string(items[i] ? "t" : "f");
  return out + "}";
}

std::chrono::system_clock::time_point parse_pg_timestamp(const std::string& text) {
  if (auto t = parse_rfc3339(text)) return *t;
  throw std::runtime_error("unexpected timestamptz text from PostgreSQL: " + text);
}

}  // namespace brokkr::persistence
