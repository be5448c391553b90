#pragma once
// The work types the queue accepts, each with the check its crd_spec must pass at submission.
// Agents run the spec; the broker only refuses what no agent could run.
#include <string>
#include <string_view>
#include <vector>

#include "actors/work_request.hpp"

namespace brokkr {

inline constexpr std::string_view work_type_shipwright_build = "shipwright-build";
inline constexpr std::string_view work_type_kubernetes_apply = "kubernetes-apply";

// Annotation on a kubernetes-apply manifest naming the condition to wait for, in kubectl-wait
// syntax: "condition=Complete" or "condition=Ready=True". Optional "brokkr.io/fail-on" likewise.
inline constexpr std::string_view annotation_wait_for = "brokkr.io/wait-for";
inline constexpr std::string_view annotation_fail_on = "brokkr.io/fail-on";

const std::vector<std::string_view>& known_work_types();
bool is_known_work_type(std::string_view type);

// Checks crd_spec for the given (known) work type; errors name the path inside the spec,
// e.g. "crd_spec.spec.output.image".
status<validation_error> validate_crd_spec(std::string_view work_type, const std::string& spec);

}  // namespace brokkr
