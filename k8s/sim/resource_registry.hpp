#pragma once
// The resource types the simulated cluster serves: the core and batch types the agent uses and the four
// Shipwright CRDs with their real v1beta1 schemas (compiled in, see embedded_assets.hpp).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/resource.hpp"

namespace brokkr::k8s::sim {

struct served_resource {
  k8s::resource res;                     // group, version, plural, scope, kind
  std::string singular;
  std::vector<std::string> short_names;
  bool has_status = false;               // a status subresource: main writes ignore .status and back
  bool is_crd = false;                   // custom resource rules: PUT needs resourceVersion, no strategic merge
  nlohmann::json printer_columns = nlohmann::json::array();  // CRD additionalPrinterColumns
  nlohmann::json schema;                 // openAPIV3Schema; null = no schema (built-in types: not validated)

  std::string id() const { return res.plural + (res.group.empty() ? "" : "." + res.group); }  // buildruns.shipwright.io
  std::string list_kind() const { return res.kind + "List"; }
};

class resource_registry {
 public:
  // Loads the built-in types and the embedded CRDs.
  resource_registry();

  const served_resource* find(std::string_view group, std::string_view version, std::string_view plural) const;
  const served_resource* find(const k8s::resource& r) const { return find(r.group, r.version, r.plural); }
  const served_resource& get(const k8s::resource& r) const;  // must exist (the sim's own types)
  const std::vector<served_resource>& all() const { return resources_; }
  // ("", "v1"), ("batch", "v1"), ("shipwright.io", "v1beta1")
  std::vector<std::pair<std::string, std::string>> group_versions() const;

 private:
  std::vector<served_resource> resources_;
};

}  // namespace brokkr::k8s::sim
