#include "k8s/shipwright_manifest.hpp"

#include <array>
#include <cctype>

#include "common/time.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::shipwright {
namespace {

using json = nlohmann::json;

constexpr std::string_view api_version = "shipwright.io/v1beta1";

// BuildRun spec fields a manifest may set; `state` (cancel) and `build.spec` belong to the agent.
constexpr std::array<std::string_view, 14> overridable = {
    "build", "serviceAccount", "timeout", "paramValues", "output", "env", "retention",
    "volumes", "nodeSelector", "tolerations", "schedulerName", "runtimeClassName", "stepResources", "source"};

unexpected<manifest_error> fail(std::string field, const std::string& what) {
  if (field.rfind("crd_spec", 0) != 0) field = "crd_spec." + field;
  std::string message = field + " " + what;
  return unexpected(manifest_error{std::move(field), std::move(message)});
}

const json* member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

bool is_text(const json* j) { return j && j->is_string() && !j->get<std::string>().empty(); }

expected<ok_t, manifest_error> check_header(const json& doc, const std::string& prefix, std::string_view kind) {
  if (!doc.is_object()) return fail(prefix, "must be a mapping");
  const json* av = member(doc, "apiVersion");
  if (!av || !av->is_string() || *av != api_version)
    return fail(prefix + ".apiVersion", "must be " + std::string(api_version));
  const json* k = member(doc, "kind");
  if (!k || !k->is_string() || *k != kind) return fail(prefix + ".kind", "must be " + std::string(kind));
  const json* meta = member(doc, "metadata");
  if (!meta) return ok;
  if (!meta->is_object()) return fail(prefix + ".metadata", "must be a mapping");
  if (const json* ns = member(*meta, "namespace")) {
    const auto text = ns->is_string() ? ns->get<std::string>() : std::string();
    if (!is_dns_subdomain(text) || text.size() > 63 || text.find('.') != std::string::npos)
      return fail(prefix + ".metadata.namespace", "must be a lower-case RFC 1123 label of at most 63 characters");
  }
  for (const char* key : {"labels", "annotations"}) {
    const json* m = member(*meta, key);
    if (!m) continue;
    if (!m->is_object()) return fail(prefix + ".metadata." + key, "must be a map of strings");
    for (const auto& [k, v] : m->items())
      if (!v.is_string()) return fail(prefix + ".metadata." + key + "." + k, "must be a string");
  }
  return ok;
}

expected<ok_t, manifest_error> check_duration(const json& obj, const char* key, const std::string& field) {
  const json* v = member(obj, key);
  if (!v) return ok;
  if (!v->is_string() || !parse_duration(v->get<std::string>()))
    return fail(field, "must be a duration such as 90s, 15m or 1h30m");
  return ok;
}

// timeout and the retention TTLs, which Build and BuildRun specs share.
expected<ok_t, manifest_error> check_durations(const json& spec, const std::string& prefix) {
  if (auto r = check_duration(spec, "timeout", prefix + ".timeout"); !r) return r;
  const json* retention = member(spec, "retention");
  if (!retention) return ok;
  for (const char* ttl : {"ttlAfterFailed", "ttlAfterSucceeded"})
    if (auto r = check_duration(*retention, ttl, prefix + ".retention." + ttl); !r) return r;
  return ok;
}

expected<ok_t, manifest_error> check_build_spec(const json& build) {
  const json* meta = member(build, "metadata");
  const json* name = meta ? member(*meta, "name") : nullptr;
  if (!is_text(name)) return fail("build.metadata.name", "is required");
  if (!is_dns_subdomain(name->get<std::string>()))
    return fail("build.metadata.name", "must be a lower-case RFC 1123 name of at most 253 characters");
  const json* spec = member(build, "spec");
  if (!spec || !spec->is_object()) return fail("build.spec", "is required and must be a mapping");
  const json* strategy = member(*spec, "strategy");
  if (!strategy || !is_text(member(*strategy, "name"))) return fail("build.spec.strategy.name", "is required");
  if (const json* kind = member(*strategy, "kind"); kind && (!kind->is_string() ||
      (*kind != "BuildStrategy" && *kind != "ClusterBuildStrategy")))
    return fail("build.spec.strategy.kind", "must be BuildStrategy or ClusterBuildStrategy");
  const json* output = member(*spec, "output");
  if (!output || !is_text(member(*output, "image"))) return fail("build.spec.output.image", "is required");
  if (const json* source = member(*spec, "source"); source && !is_text(member(*source, "type")))
    return fail("build.spec.source.type", "is required when build.spec.source is given");
  return check_durations(*spec, "build.spec");
}

expected<ok_t, manifest_error> check_buildrun_spec(const json& run, const std::string& build_name) {
  const json* spec = member(run, "spec");
  if (!spec) return ok;
  if (!spec->is_object()) return fail("buildrun.spec", "must be a mapping");
  for (const auto& [key, value] : spec->items()) {
    bool allowed = false;
    for (const auto o : overridable) allowed = allowed || o == key;
    if (!allowed) return fail("buildrun.spec." + key, "cannot be set in a work item's BuildRun document");
  }
  if (const json* build = member(*spec, "build")) {
    if (member(*build, "spec")) return fail("buildrun.spec.build.spec", "is not supported: the Build comes first");
    const json* name = member(*build, "name");
    if (name && (!name->is_string() || *name != build_name))
      return fail("buildrun.spec.build.name", "must name the Build of the first document ('" + build_name + "')");
  }
  if (const json* output = member(*spec, "output"); output && !is_text(member(*output, "image")))
    return fail("buildrun.spec.output.image", "is required when buildrun.spec.output is given");
  return check_durations(*spec, "buildrun.spec");
}

bool alnum(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }

}  // namespace

bool is_dns_subdomain(std::string_view name) {
  if (name.empty() || name.size() > 253 || !alnum(name.front()) || !alnum(name.back())) return false;
  for (const char c : name)
    if (!alnum(c) && c != '-' && c != '.') return false;
  return true;
}

bool is_label_value(std::string_view value) {
  if (value.empty()) return true;
  const auto ok_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (value.size() > 63 || !ok_char(value.front()) || !ok_char(value.back())) return false;
  for (const char c : value)
    if (!ok_char(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

std::string build_manifest::name() const {
  const json* meta = member(build, "metadata");
  const json* n = meta && meta->is_object() ? member(*meta, "name") : nullptr;
  return n && n->is_string() ? n->get<std::string>() : std::string();
}

std::string build_manifest::namespace_name() const {
  const json* meta = member(build, "metadata");
  const json* ns = meta && meta->is_object() ? member(*meta, "namespace") : nullptr;
  return ns && ns->is_string() ? ns->get<std::string>() : std::string();
}

expected<build_manifest, manifest_error> parse_build_manifest(std::string_view text) {
  auto docs = parse_yaml_documents(text);
  if (!docs) return fail("crd_spec", "is not valid YAML or JSON: " + docs.error());
  if (docs->empty()) return fail("crd_spec", "is empty: a Build manifest is required");
  if (docs->size() > 2) return fail("crd_spec", "has more than two documents (a Build and at most one BuildRun)");
  build_manifest m{std::move(docs->front()), std::nullopt};
  if (auto r = check_header(m.build, "build", "Build"); !r) return unexpected(r.error());
  if (auto r = check_build_spec(m.build); !r) return unexpected(r.error());
  if (docs->size() == 2) {
    auto& run = (*docs)[1];
    if (auto r = check_header(run, "buildrun", "BuildRun"); !r) return unexpected(r.error());
    if (auto r = check_buildrun_spec(run, m.name()); !r) return unexpected(r.error());
    m.buildrun = std::move(run);
  }
  return m;
}

}  // namespace brokkr::k8s::shipwright
