#pragma once
// Structural-schema handling of custom resources as the API server does it, for the subset of
// OpenAPI v3 that Shipwright's CRDs use: unknown fields are pruned (and reported, for
// fieldValidation=Strict/Warn), nulls of non-nullable fields dropped, defaults applied, and type,
// required, enum, format (duration, date-time, int32/int64), bounds, length and item-count checked.
// Not checked: pattern, CEL rules (x-kubernetes-validations), list-map key uniqueness.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/api_status.hpp"

namespace brokkr::k8s::sim {

struct validation_result {
  std::vector<std::string> unknown_fields;  // "spec.foo": pruned from the object
  std::vector<status_cause> errors;         // causes of a 422 Invalid
};

// `schema` is a CRD openAPIV3Schema; metadata is checked against ObjectMeta's fields.
validation_result validate_object(nlohmann::json& obj, const nlohmann::json& schema);

}  // namespace brokkr::k8s::sim
