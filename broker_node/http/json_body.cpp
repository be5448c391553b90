#include "broker_node/http/json_body.hpp"

#include <limits>

namespace brokkr::broker::http {

expected<body_reader, validation_error> body_reader::parse(std::string_view body, bool empty_ok) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return body_reader(json::object());
    return unexpected(validation_error{"body", "the request body must be a JSON object"});
  }
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return unexpected(validation_error{"body", "the request body is not valid JSON"});
  if (!j.is_object()) return unexpected(validation_error{"body", "the request body must be a JSON object"});
  return body_reader(std::move(j));
}

validation_error body_reader::type_error(const std::string& key, const char* what) const {
  return {field(key), field(key) + " must be " + what};
}

status<validation_error> body_reader::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [k, v] : j_.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == k;
    if (!known) return unexpected(validation_error{field(k), "unknown field " + field(k)});
  }
  return ok;
}

bool body_reader::has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }

expected<std::optional<std::string>, validation_error> body_reader::text(const std::string& key,
                                                                        size_t max_bytes) const {
  if (!has(key)) return std::optional<std::string>{};
  const auto& v = j_.at(key);
  if (!v.is_string()) return unexpected(type_error(key, "a string"));
  auto s = v.get<std::string>();
  if (s.size() > max_bytes)
    return unexpected(validation_error{field(key), field(key) + " may be at most " + std::to_string(max_bytes) + " bytes"});
  return std::optional<std::string>{std::move(s)};
}

expected<std::optional<int>, validation_error> body_reader::integer(const std::string& key) const {
  if (!has(key)) return std::optional<int>{};
  const auto& v = j_.at(key);
  if (!v.is_number_integer()) return unexpected(type_error(key, "an integer"));
  const auto n = v.get<long long>();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
    return unexpected(validation_error{field(key), field(key) + " is out of range"});
  return std::optional<int>{static_cast<int>(n)};
}

expected<std::optional<std::vector<std::string>>, validation_error> body_reader::strings(const std::string& key) const {
  if (!has(key)) return std::optional<std::vector<std::string>>{};
  const auto& v = j_.at(key);
  if (!v.is_array()) return unexpected(type_error(key, "an array of strings"));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string())
      return unexpected(validation_error{field(key) + "[" + std::to_string(i) + "]",
                                         field(key) + "[" + std::to_string(i) + "] must be a string"});
    out.push_back(v[i].get<std::string>());
  }
  return std::optional<std::vector<std::string>>{std::move(out)};
}

expected<std::optional<std::map<std::string, std::string>>, validation_error> body_reader::string_map(
    const std::string& key) const {
  if (!has(key)) return std::optional<std::map<std::string, std::string>>{};
  const auto& v = j_.at(key);
  if (!v.is_object()) return unexpected(type_error(key, "an object of strings"));
  std::map<std::string, std::string> out;
  for (const auto& [k, val] : v.items()) {
    if (!val.is_string())
      return unexpected(validation_error{field(key) + "." + k, field(key) + "." + k + " must be a string"});
    out[k] = val.get<std::string>();
  }
  return std::optional<std::map<std::string, std::string>>{std::move(out)};
}

expected<std::optional<std::string>, validation_error> body_reader::object_text(const std::string& key) const {
  if (!has(key)) return std::optional<std::string>{};
  const auto& v = j_.at(key);
  if (!v.is_object()) return unexpected(type_error(key, "a JSON object"));
  return std::optional<std::string>{v.dump()};
}

expected<std::optional<body_reader>, validation_error> body_reader::object(const std::string& key) const {
  if (!has(key)) return std::optional<body_reader>{};
  const auto& v = j_.at(key);
  if (!v.is_object()) return unexpected(type_error(key, "an object"));
  return std::optional<body_reader>{body_reader(v, field(key))};
}

}  // namespace brokkr::broker::http
