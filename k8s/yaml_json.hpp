#pragma once
// YAML documents as nlohmann::json, typed by the YAML 1.2 core schema: plain scalars become null,
// booleans, integers or floats when they look like one; quoted scalars stay strings. JSON is YAML, so
// this reads both. libyaml stays inside yaml_json.cpp (docs/adr/0052: not yaml-cpp, for untrusted text).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"

namespace brokkr::k8s {

// Nesting limit of documents read here: deeper text is refused before a value exists.
inline constexpr size_t yaml_max_depth = 64;

// Every non-empty document of a "---" separated stream. The error names the line and column.
// Anchors and aliases are refused (no alias bombs), and so are non-scalar mapping keys.
expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(std::string_view text);
// Exactly one document (JSON fast path first).
expected<nlohmann::json, std::string> parse_yaml_or_json(std::string_view text);

}  // namespace brokkr::k8s
