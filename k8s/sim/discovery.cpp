#include "k8s/sim/discovery.hpp"

#include <functional>

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

const std::vector<std::string> all_verbs = {"create", "delete", "deletecollection", "get", "list", "patch",
                                            "update", "watch"};

std::string gv_path(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

// OpenAPI component names as the API server writes them.
std::string schema_id(const served_resource& r) {
  if (!r.is_crd) {
    const std::string g = r.res.group.empty() ? "core" : r.res.group;
    return "io.k8s.api." + g + "." + r.res.version + "." + r.res.kind;
  }
  std::string reversed;  // shipwright.io -> io.shipwright
  std::string g = r.res.group;
  while (!g.empty()) {
    const auto dot = g.rfind('.');
    reversed += (reversed.empty() ? "" : ".") + g.substr(dot == std::string::npos ? 0 : dot + 1);
    g = dot == std::string::npos ? "" : g.substr(0, dot);
  }
  return reversed + "." + r.res.version + "." + r.res.kind;
}

json gvk(const served_resource& r) {
  return {{"group", r.res.group}, {"version", r.res.version}, {"kind", r.res.kind}};
}

json operation(const served_resource& r, const std::string& action, bool with_body, bool write) {
  json params = json::array();
  if (write) {
    for (const char* p : {"dryRun", "fieldManager", "fieldValidation"})
      params.push_back({{"name", p}, {"in", "query"}, {"schema", {{"type", "string"}}}, {"uniqueItems", true}});
  }
  if (action == "patch") params.push_back({{"name", "force"}, {"in", "query"}, {"schema", {{"type", "boolean"}}}});
  const json ref = {{"$ref", "#/components/schemas/" + schema_id(r)}};
  json op = {{"x-kubernetes-action", action}, {"x-kubernetes-group-version-kind", gvk(r)},
             {"operationId", action + r.res.kind}, {"parameters", params},
             {"responses", {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}}}};
  if (with_body) op["requestBody"] = {{"content", {{"application/json", {{"schema", ref}}}}}};
  return op;
}

void add_paths(json& paths, const served_resource& r) {
  std::string base = "/" + gv_path(r.res.group, r.res.version);
  if (r.res.namespaced) base += "/namespaces/{namespace}";
  base += "/" + r.res.plural;
  paths[base] = {{"get", operation(r, "list", false, false)}, {"post", operation(r, "post", true, true)}};
  const json item = {{"get", operation(r, "get", false, false)}, {"put", operation(r, "put", true, true)},
                     {"patch", operation(r, "patch", true, true)}, {"delete", operation(r, "delete", false, false)}};
  paths[base + "/{name}"] = item;
  if (r.has_status) paths[base + "/{name}/status"] = item;
}

json schema_of(const served_resource& r) {
  json s = r.schema.is_null() ? json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}} : r.schema;
  s["x-kubernetes-group-version-kind"] = json::array({gvk(r)});
  return s;
}

json resource_entry(const served_resource& r) {
  json e = {{"name", r.res.plural}, {"singularName", r.singular}, {"namespaced", r.res.namespaced},
            {"kind", r.res.kind}, {"verbs", all_verbs}};
  if (!r.short_names.empty()) e["shortNames"] = r.short_names;
  if (r.is_crd) e["categories"] = json::array({"all"});
  return e;
}

}  // namespace

discovery::discovery(const resource_registry& registry) : registry_(registry) {}

json discovery::version() const {
  return {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0-brokkr-sim"}, {"gitCommit", "brokkr-sim"},
          {"gitTreeState", "clean"}, {"buildDate", "2026-01-01T00:00:00Z"}, {"goVersion", "go1.23"},
          {"compiler", "gc"}, {"platform", "linux/amd64"}};
}

json discovery::api_versions(const std::string& server_address) const {
  return {{"kind", "APIVersions"}, {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json discovery::group_json(const std::string& group) const {
  json versions = json::array();
  for (const auto& [g, v] : registry_.group_versions())
    if (g == group) versions.push_back({{"groupVersion", g + "/" + v}, {"version", v}});
  return {{"name", group}, {"versions", versions}, {"preferredVersion", versions.front()}};
}

json discovery::api_group_list() const {
  json groups = json::array();
  for (const auto& [g, v] : registry_.group_versions())
    if (!g.empty()) groups.push_back(group_json(g));
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> discovery::api_group(const std::string& group) const {
  for (const auto& [g, v] : registry_.group_versions()) {
    if (g != group || g.empty()) continue;
    json out = group_json(group);
    out["kind"] = "APIGroup";
    out["apiVersion"] = "v1";
    return out;
  }
  return std::nullopt;
}

std::optional<json> discovery::resource_list(const std::string& group, const std::string& version) const {
  json resources = json::array();
  for (const auto& r : registry_.all()) {
    if (r.res.group != group || r.res.version != version) continue;
    resources.push_back(resource_entry(r));
    if (r.has_status)
      resources.push_back({{"name", r.res.plural + "/status"}, {"singularName", ""}, {"namespaced", r.res.namespaced},
                           {"kind", r.res.kind}, {"verbs", {"get", "patch", "update"}}});
    if (r.res.plural == "pods")
      resources.push_back({{"name", "pods/log"}, {"singularName", ""}, {"namespaced", true}, {"kind", "Pod"},
                           {"verbs", {"get"}}});
  }
  if (resources.empty()) return std::nullopt;
  return json{{"kind", "APIResourceList"}, {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version}, {"resources", resources}};
}

json discovery::openapi_index() const {
  json paths = json::object();
  for (const auto& [g, v] : registry_.group_versions()) {
    const std::string p = gv_path(g, v);
    const auto doc = openapi_document(g, v);
    const auto hash = std::hash<std::string>{}(doc ? doc->dump() : std::string());
    paths[p] = {{"serverRelativeURL", "/openapi/v3/" + p + "?hash=" + std::to_string(hash)}};
  }
  return {{"paths", paths}};
}

std::optional<json> discovery::openapi_document(const std::string& group, const std::string& version) const {
  json paths = json::object();
  json schemas = json::object();
  for (const auto& r : registry_.all()) {
    if (r.res.group != group || r.res.version != version) continue;
    add_paths(paths, r);
    schemas[schema_id(r)] = schema_of(r);
  }
  if (paths.empty()) return std::nullopt;
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
              {"paths", paths},
              {"components", {{"schemas", schemas}}}};
}

}  // namespace brokkr::k8s::sim
