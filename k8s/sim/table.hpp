#pragma once
// The meta.k8s.io/v1 Table form of lists, objects and watch events (what `kubectl get` asks for with
// Accept: application/json;as=Table), with the CRDs' printer columns.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/sim/resource_registry.hpp"

namespace brokkr::k8s::sim {

bool wants_table(std::string_view accept_header);

nlohmann::json make_table(const served_resource& r, const std::vector<nlohmann::json>& objects,
                          const std::string& resource_version);

// A simple JSONPath as printer columns use it: ".a.b", ".a[0]", ".a[*].b", ".a[?(@.type==\"X\")].b".
// The first match, or null.
nlohmann::json eval_json_path(const nlohmann::json& obj, std::string_view path);

// kubectl's short ages: "45s", "3m20s", "4h", "2d3h".
std::string human_age(long long seconds);

}  // namespace brokkr::k8s::sim
