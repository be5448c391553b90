#include "cli/json_fields.hpp"

namespace brokkr::cli {
namespace {

std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json none;
  if (!object.is_object()) return none;
  const auto it = object.find(key);
  return it == object.end() ? none : *it;
}

std::string display_text(const nlohmann::json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return one_line(value.get<std::string>());
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : ",") + display_text(item);
    return out;
  }
  if (value.is_object()) {
    std::string out;
    for (const auto& [k, v] : value.items()) out += (out.empty() ? "" : ",") + k + "=" + display_text(v);
    return out;
  }
  return value.dump();
}

std::string field_text(const nlohmann::json& object, const char* key) { return display_text(member(object, key)); }

long long field_int(const nlohmann::json& object, const char* key, long long fallback) {
  const auto& v = member(object, key);
  return v.is_number_integer() ? v.get<long long>() : fallback;
}

}  // namespace brokkr::cli
