#include "k8s/work_types.hpp"

#include "k8s/apply_manifest.hpp"
#include "k8s/shipwright_manifest.hpp"

namespace brokkr::k8s {
namespace {

expected<ok_t, spec_error> validate_build(std::string_view spec) {
  auto m = shipwright::parse_build_manifest(spec);
  if (!m) return unexpected(m.error());
  return ok;
}

expected<ok_t, spec_error> validate_apply(std::string_view spec) {
  auto m = apply::parse_manifest(spec);
  if (!m) return unexpected(m.error());
  return ok;
}

}  // namespace

const std::vector<work_type>& work_types() {
  static const std::vector<work_type> types = {
      {work_type_shipwright_build, "builds a container image with Shipwright (a Build, optionally a BuildRun)",
       "docs/build-specs.md", validate_build},
      {work_type_kubernetes_apply, "applies Kubernetes manifests and optionally waits for a condition",
       "docs/kubernetes-apply.md", validate_apply},
  };
  return types;
}

const work_type* find_work_type(std::string_view name) {
  for (const auto& t : work_types())
    if (t.name == name) return &t;
  return nullptr;
}

std::string work_type_names() {
  std::string out;
  for (const auto& t : work_types()) out += (out.empty() ? "" : ", ") + std::string(t.name);
  return out;
}

std::vector<std::string> work_type_list() {
  std::vector<std::string> out;
  for (const auto& t : work_types()) out.emplace_back(t.name);
  return out;
}

}  // namespace brokkr::k8s
