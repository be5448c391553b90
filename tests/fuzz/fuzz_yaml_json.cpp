// Manifests as users submit them: YAML and JSON documents (no aliases, bounded depth), the JSON depth
// scan, and both work types' validators (the agent's own parsers).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_limits.hpp"
#include "k8s/apply_manifest.hpp"
#include "k8s/shipwright_manifest.hpp"
#include "k8s/yaml_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto docs = brokkr::k8s::parse_yaml_documents(text))
    for (const auto& d : *docs) (void)brokkr::json_limits::dump(d);
  (void)brokkr::k8s::parse_yaml_or_json(text);
  (void)brokkr::json_limits::find_too_deep(text);
  if (auto j = brokkr::json_limits::parse(text)) (void)brokkr::json_limits::dump(*j);
  (void)brokkr::k8s::shipwright::parse_build_manifest(text);
  (void)brokkr::k8s::apply::parse_manifest(text);
  (void)brokkr::k8s::apply::parse_condition_annotation(text);
  return 0;
}
