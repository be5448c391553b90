#pragma once
// The crd_spec of a shipwright-build work item: a Build manifest (YAML or JSON), optionally followed
// by a BuildRun document whose spec fields override the BuildRun the agent generates (DESIGN.md 10).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/work_types.hpp"

namespace brokkr::k8s::shipwright {

// Fields are named inside the request: "crd_spec.build.spec.output.image" (the first document, the
// Build) or "crd_spec.buildrun.spec.timeout" (the second, the BuildRun overrides).
using manifest_error = spec_error;

struct build_manifest {
  nlohmann::json build;                     // apiVersion, kind, metadata, spec as given
  std::optional<nlohmann::json> buildrun;   // the second document, when present

  std::string name() const;
  std::string namespace_name() const;       // "" when the manifest leaves it to the agent
};

// Checks what the API server and the agent need (kinds, names, strategy, output image, durations,
// which BuildRun fields may be overridden). The error names the offending field.
expected<build_manifest, manifest_error> parse_build_manifest(std::string_view text);

// RFC 1123 subdomain (object names) and label value (<= 63, alphanumeric at both ends) checks.
bool is_dns_subdomain(std::string_view name);
bool is_label_value(std::string_view value);

}  // namespace brokkr::k8s::shipwright
