#pragma once
// The crd_spec of a kubernetes-apply work item: one or more manifests (YAML or JSON documents) the
// agent applies with server-side apply; one of them may carry brokkr.io/wait-for, the condition that
// ends the run (brokkr.io/fail-on names the failure condition; a Job fails on Failed=True by
// default). The broker validates a spec with this parser at submit and the agent builds its objects
// with it, so a spec the agent would refuse is refused at submit (one implementation).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/condition.hpp"
#include "k8s/resource.hpp"
#include "k8s/work_types.hpp"

namespace brokkr::k8s::apply {

inline constexpr std::string_view annotation_wait_for = "brokkr.io/wait-for";
inline constexpr std::string_view annotation_fail_on = "brokkr.io/fail-on";

struct object {
  resource res;
  std::string ns;    // empty: cluster-scoped, or namespaced and left to the agent's default
  std::string name;
  nlohmann::json body;
};

struct manifest {
  std::vector<object> objects;
  int wait_index = -1;  // the object whose condition ends the run; -1: done once applied
  completion_condition condition;
};

// Parses and checks every document: a supported kind, a name and namespace the API server accepts
// (RFC 1123), labels and annotations that are maps of strings, well-formed wait annotations on at
// most one document. Errors name the field inside the spec: "crd_spec[2].metadata.name".
expected<manifest, spec_error> parse_manifest(std::string_view text);

// "condition=Complete" or "condition=Ready=False" -> {type, status}; nullopt when malformed. A hand
// parser: the value comes from the submitter and has no length limit of its own (std::regex
// recurses per character).
std::optional<condition_match> parse_condition_annotation(std::string_view text);

// The resource for an apiVersion and kind the agent applies; nullopt for any other kind.
std::optional<resource> resource_for(std::string_view api_version, std::string_view kind);

// RFC 1123 label: what namespace names must be (at most 63 characters).
bool is_dns_label(std::string_view name);

}  // namespace brokkr::k8s::apply
