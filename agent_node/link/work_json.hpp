#pragma once
// The broker API's work object (docs/openapi.yaml, schema Work) read back into a work_item.
#include <nlohmann/json.hpp>

#include "actors/work_item.hpp"
#include "common/expected.hpp"

namespace brokkr::agent {

// The error names the field that is missing or of the wrong type.
expected<work_item, std::string> work_from_json(const nlohmann::json& j);

}  // namespace brokkr::agent
