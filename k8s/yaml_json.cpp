#include "k8s/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>

namespace brokkr::k8s {
namespace {

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string_view unsigned_part(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool looks_float(std::string_view s) {
  s = unsigned_part(s);
  const auto e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos && !digits(unsigned_part(s.substr(e + 1)))) return false;
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return digits(mantissa);
  const auto whole = mantissa.substr(0, dot);
  const auto frac = mantissa.substr(dot + 1);
  if (whole.empty()) return digits(frac);
  return digits(whole) && (frac.empty() || digits(frac));
}

nlohmann::json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (digits(unsigned_part(s))) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (looks_float(s)) return std::stod(s);
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  return s;
}

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // "?" marks a plain scalar; "!" a quoted one; explicit !!str keeps text as text.
      if (node.Tag() == "?") return plain_scalar(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = to_json(kv.second);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(std::string_view text) {
  try {
    std::vector<nlohmann::json> docs;
    for (const auto& node : YAML::LoadAll(std::string(text))) {
      if (node.IsNull() || !node.IsDefined()) continue;
      docs.push_back(to_json(node));
    }
    return docs;
  } catch (const YAML::Exception& e) {
    return unexpected("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

expected<nlohmann::json, std::string> parse_yaml_or_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  auto docs = parse_yaml_documents(text);
  if (!docs) return unexpected(docs.error());
  if (docs->size() != 1) return unexpected("expected exactly one document, found " + std::to_string(docs->size()));
  return std::move(docs->front());
}

}  // namespace brokkr::k8s
