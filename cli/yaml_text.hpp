#pragma once
// JSON to YAML for `-o yaml`: the same tree, readable. Strings that YAML would read back as
// something else ("true", "3", "null", "") are quoted; multi-line strings (crd_spec) become
// literal blocks, so a spec reads as it was written.
#include <nlohmann/json.hpp>

#include <string>

namespace brokkr::cli {

std::string to_yaml(const nlohmann::json& doc);

}  // namespace brokkr::cli
