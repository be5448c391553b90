#include "broker_node/http/json_body.hpp"

#include <limits>

#include "common/json_limits.hpp"

namespace brokkr::broker::http {

expected<body_reader, validation_error> body_reader::parse(std::string_view body, bool empty_ok) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return body_reader(json::object());
    return unexpected(validation_error{"body", "the request body must be a JSON object"});
  }
  auto parsed = json_limits::parse(body, "body");
  if (!parsed) {
    if (parsed.error().field == "body")
      return unexpected(validation_error{"body", "the request body is not valid JSON"});
    return unexpected(validation_error{parsed.error().field, parsed.error().message});
  }
  json j = std::move(*parsed);
  if (!j.is_object()) return unexpected(validation_error{"body", "the request body must be a JSON object"});
  return body_reader(std::move(j));
}

// PostgreSQL text cannot hold NUL (libpq would cut the value there), and nothing we store needs it.
status<validation_error> check_text(const std::string& field, std::string_view s) {
  if (s.find('\0') != std::string_view::npos)
    return unexpected(validation_error{field, field + " must not contain NUL characters"});
  return ok;
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
  if (auto bad = check_text(field(key), s); !bad) return unexpected(bad.error());
  return std::optional<std::string>{std::move(s)};
}

expected<std::optional<int>, validation_error> body_reader::integer(const std::string& key) const {
  if (!has(key)) return std::optional<int>{};
  const auto& v = j_.at(key);
  if (!v.is_number_integer()) return unexpected(type_error(key, "an integer"));
  // 2^63 and above parse as unsigned; reading them as signed would wrap (18446744073709551615 -> -1).
  const bool fits = v.is_number_unsigned()
                        ? v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int>::max())
                        : v.get<int64_t>() >= std::numeric_limits<int>::min() &&
                              v.get<int64_t>() <= std::numeric_limits<int>::max();
  if (!fits) return unexpected(validation_error{field(key), field(key) + " is out of range"});
  return std::optional<int>{static_cast<int>(v.get<int64_t>())};
}

expected<std::optional<std::vector<std::string>>, validation_error> body_reader::strings(const std::string& key) const {
  if (!has(key)) return std::optional<std::vector<std::string>>{};
  const auto& v = j_.at(key);
  if (!v.is_array()) return unexpected(type_error(key, "an array of strings"));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const auto name = field(key) + "[" + std::to_string(i) + "]";
    if (!v[i].is_string()) return unexpected(validation_error{name, name + " must be a string"});
    out.push_back(v[i].get<std::string>());
    if (auto bad = check_text(name, out.back()); !bad) return unexpected(bad.error());
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
    const auto name = field(key) + "." + k;
    if (!val.is_string()) return unexpected(validation_error{name, name + " must be a string"});
    if (auto bad = check_text(field(key), k); !bad) return unexpected(bad.error());
    if (auto bad = check_text(name, val.get_ref<const std::string&>()); !bad) return unexpected(bad.error());
    out[k] = val.get<std::string>();
  }
  return std::optional<std::map<std::string, std::string>>{std::move(out)};
}

expected<std::optional<std::string>, validation_error> body_reader::object_text(const std::string& key) const {
  if (!has(key)) return std::optional<std::string>{};
  const auto& v = j_.at(key);
  if (!v.is_object()) return unexpected(type_error(key, "a JSON object"));
  return std::optional<std::string>{json_limits::dump(v)};
}

expected<std::optional<body_reader>, validation_error> body_reader::object(const std::string& key) const {
  if (!has(key)) return std::optional<body_reader>{};
  const auto& v = j_.at(key);
  if (!v.is_object()) return unexpected(type_error(key, "an object"));
  return std::optional<body_reader>{body_reader(v, field(key))};
}

}  // namespace brokkr::broker::http
