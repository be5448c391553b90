#pragma once
// The objects the agent writes for a shipwright-build work item: the Build (with our labels) and a
// BuildRun with a deterministic name, labels, service account, timeout and retention.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/shipwright_manifest.hpp"

namespace brokkr::k8s::shipwright {

struct buildrun_params {
  std::string name;                              // deterministic; a valid label value (<= 63 characters)
  std::string namespace_name;
  std::string build_name;
  std::map<std::string, std::string> labels;     // brokkr.io/work-id, brokkr.io/attempt, ...
  std::map<std::string, std::string> annotations;
  // Defaults from the agent's config; the manifest's BuildRun document overrides each of them.
  std::string service_account;                   // "" leaves the controller's default ("pipeline"/"default")
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::chrono::milliseconds> ttl_after_succeeded;
  std::optional<std::chrono::milliseconds> ttl_after_failed;
};

// The BuildRun. Spec fields of the manifest's BuildRun document override the defaults above; its
// labels and annotations are kept, but ours win on the same key. Name, namespace and build reference are
// always ours.
expected<nlohmann::json, manifest_error> make_buildrun(const buildrun_params& p,
                                                       const build_manifest* manifest = nullptr);

// The Build as the manifest gives it, plus `labels` (ours win) and `default_namespace` when it has none.
nlohmann::json make_build(const build_manifest& m, const std::map<std::string, std::string>& labels,
                          const std::string& default_namespace);

// "<build>-<first 8 of work id>-a<attempt>", the build part shortened so the whole fits in 63
// characters and stays a valid label value (Shipwright rejects longer BuildRun names).
std::string deterministic_buildrun_name(const std::string& build_name, const std::string& work_id, int attempt);

}  // namespace brokkr::k8s::shipwright
