#pragma once
// Reading request bodies field by field: every error names the field (DESIGN.md section 9), and
// unknown fields are refused so that a typo ("max_retry") is not silently ignored.
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/work_request.hpp"

namespace brokkr::broker::http {

using nlohmann::json;

// NUL bytes are refused in every text field (libpq cuts a value at the first NUL).
status<validation_error> check_text(const std::string& field, std::string_view s);

class body_reader {
 public:
  // Parses `body` as a JSON object (an empty body reads as {} when `empty_ok`).
  static expected<body_reader, validation_error> parse(std::string_view body, bool empty_ok = false);
  explicit body_reader(json j, std::string prefix = {}) : j_(std::move(j)), prefix_(std::move(prefix)) {}

  status<validation_error> only(std::initializer_list<std::string_view> allowed) const;
  bool has(const std::string& key) const;

  expected<std::optional<std::string>, validation_error> text(const std::string& key, size_t max_bytes) const;
  expected<std::optional<int>, validation_error> integer(const std::string& key) const;
  expected<std::optional<std::vector<std::string>>, validation_error> strings(const std::string& key) const;
  expected<std::optional<std::map<std::string, std::string>>, validation_error> string_map(const std::string& key) const;
  // A JSON object member, serialised back to text (result_details).
  expected<std::optional<std::string>, validation_error> object_text(const std::string& key) const;
  expected<std::optional<body_reader>, validation_error> object(const std::string& key) const;

  const json& raw() const { return j_; }
  // The API's name of member `key`: "attempt", or "reports[2].attempt" inside a batch.
  std::string field(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

 private:
  validation_error type_error(const std::string& key, const char* what) const;
  json j_;
  std::string prefix_;
};

}  // namespace brokkr::broker::http
