#pragma once
// Reading API objects for display: a missing or null field is "", and nothing here throws, so a
// broker newer or older than this CLI still prints what it can.
#include <nlohmann/json.hpp>

#include <string>

namespace brokkr::cli {

// The field, or a null value when `object` is not an object or lacks it.
const nlohmann::json& member(const nlohmann::json& object, const char* key);
// The field as display text: strings as they are, numbers and booleans in JSON form, lists joined
// with ",", objects as k=v pairs joined with ","; newlines become spaces.
std::string field_text(const nlohmann::json& object, const char* key);
std::string display_text(const nlohmann::json& value);
// The integer field, or `fallback` when absent or not a number.
long long field_int(const nlohmann::json& object, const char* key, long long fallback = 0);

}  // namespace brokkr::cli
