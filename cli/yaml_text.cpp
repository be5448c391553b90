#include "cli/yaml_text.hpp"

#include <yaml-cpp/yaml.h>

namespace brokkr::cli {
namespace {

// Would a plain scalar with this text load as something other than the same string?
bool needs_quotes(const std::string& text) {
  if (text.empty()) return true;
  try {
    const auto node = YAML::Load(text);
    if (!node.IsScalar() || node.Tag() == "!") return true;
    if (node.as<std::string>() != text) return true;
    // Plain scalars that YAML 1.1/1.2 resolve to null, bool or a number.
    bool b = false;
    double d = 0;
    return YAML::convert<bool>::decode(node, b) || YAML::convert<double>::decode(node, d) || text == "~" ||
           text == "null" || text == "Null" || text == "NULL";
  } catch (const YAML::Exception&) {
    return true;
  }
}

// Literal blocks keep exactly one final newline and cannot start with a space without an indentation
// indicator, which yaml-cpp does not write; other multi-line strings are double-quoted with escapes.
bool fits_literal_block(const std::string& s) {
  const auto n = s.size();
  return n >= 2 && s.back() == '\n' && s[n - 2] != '\n' && s.front() != ' ' && s.front() != '\n' &&
         s.find('\r') == std::string::npos;
}

void emit(YAML::Emitter& out, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      if (j.empty()) out << YAML::Flow;  // "annotations: {}" rather than a lone "{}" on the next line
      out << YAML::BeginMap;
      for (const auto& [k, v] : j.items()) {
        out << YAML::Key;
        emit(out, nlohmann::json(k));
        out << YAML::Value;
        emit(out, v);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::json::value_t::array:
      if (j.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& v : j) emit(out, v);
      out << YAML::EndSeq;
      break;
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      if (fits_literal_block(s)) out << YAML::Literal << s;
      else if (needs_quotes(s)) out << YAML::DoubleQuoted << s;
      else out << s;
      break;
    }
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      break;
    default:  // numbers and booleans print the same in both languages
      out << j.dump();
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& doc) {
  YAML::Emitter out;
  out.SetNullFormat(YAML::LowerNull);  // "null" rather than "~", which fewer readers recognise
  emit(out, doc);
  return out.c_str();
}

}  // namespace brokkr::cli
