#include "k8s/apply_manifest.hpp"

#include <cctype>

#include "k8s/shipwright_manifest.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::apply {
namespace {

using json = nlohmann::json;

// Condition types are short CamelCase words; the API server caps them at 316 characters.
constexpr size_t max_condition_type = 316;

unexpected<spec_error> fail(const std::string& field, const std::string& what) {
  return unexpected(spec_error{field, field + " " + what});
}

const json* member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string text_of(const json* j) { return j && j->is_string() ? j->get<std::string>() : std::string(); }

expected<ok_t, spec_error> string_map(const json& meta, const char* key, const std::string& prefix) {
  const json* m = member(meta, key);
  if (!m) return ok;
  if (!m->is_object()) return fail(prefix + "." + key, "must be a map of strings");
  for (const auto& [k, v] : m->items())
    if (!v.is_string()) return fail(prefix + "." + key + "." + k, "must be a string");
  return ok;
}

std::string supported_kinds();

}  // namespace

bool is_dns_label(std::string_view name) {
  return name.size() <= 63 && shipwright::is_dns_subdomain(name) && name.find('.') == std::string_view::npos;
}

std::optional<condition_match> parse_condition_annotation(std::string_view text) {
  constexpr std::string_view prefix = "condition=";
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  text.remove_prefix(prefix.size());
  const auto eq = text.find('=');
  const auto type = text.substr(0, eq);
  if (type.empty() || type.size() > max_condition_type || !std::isalpha(static_cast<unsigned char>(type.front())))
    return std::nullopt;
  for (const char c : type)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return std::nullopt;
  condition_match m{std::string(type), "True"};
  if (eq != std::string_view::npos) {
    const auto status = text.substr(eq + 1);
    if (status != "True" && status != "False" && status != "Unknown") return std::nullopt;
    m.status = std::string(status);
  }
  return m;
}

std::optional<resource> resource_for(std::string_view api_version, std::string_view kind) {
  using namespace resources;
  static const std::vector<resource> known = {namespaces, secrets, configmaps, serviceaccounts, jobs, builds, buildruns};
  for (const auto& r : known)
    if (r.api_version() == api_version && r.kind == kind) return r;
  return std::nullopt;
}

namespace {

std::string supported_kinds() {
  std::string out;
  for (const auto* r : {&resources::namespaces, &resources::secrets, &resources::configmaps,
                        &resources::serviceaccounts, &resources::jobs, &resources::builds, &resources::buildruns})
    out += (out.empty() ? "" : ", ") + r->api_version() + " " + r->kind;
  return out;
}

// The wait annotations of one document; sets the manifest's condition when it has brokkr.io/wait-for.
expected<ok_t, spec_error> read_wait(const json& meta, const std::string& prefix, const std::string& kind, int index,
                                     manifest& m) {
  const json* ann = member(meta, "annotations");
  if (!ann) return ok;
  const std::string wait_key(annotation_wait_for), fail_key(annotation_fail_on);
  const json* wait = member(*ann, wait_key.c_str());
  const json* fail_on = member(*ann, fail_key.c_str());
  const std::string form = "must read condition=<Type> or condition=<Type>=<True|False|Unknown>";
  if (fail_on && !wait) return fail(prefix + ".annotations." + fail_key, "needs " + wait_key + " on the same document");
  if (!wait) return ok;
  if (m.wait_index >= 0) return fail(prefix + ".annotations." + wait_key, "may be set on one document only");
  auto success = parse_condition_annotation(text_of(wait));
  if (!success) return fail(prefix + ".annotations." + wait_key, form);
  m.condition.success = *success;
  if (fail_on) {
    auto failure = parse_condition_annotation(text_of(fail_on));
    if (!failure) return fail(prefix + ".annotations." + fail_key, form);
    m.condition.failure.push_back(*failure);
  } else if (kind == "Job") {
    m.condition.failure = job_completion().failure;
  }
  m.wait_index = index;
  return ok;
}

expected<object, spec_error> read_object(json doc, const std::string& prefix) {
  if (!doc.is_object()) return fail(prefix, "must be a mapping (a Kubernetes manifest)");
  const auto api = text_of(member(doc, "apiVersion")), kind = text_of(member(doc, "kind"));
  if (api.empty()) return fail(prefix + ".apiVersion", "is required");
  if (kind.empty()) return fail(prefix + ".kind", "is required");
  auto res = resource_for(api, kind);
  if (!res) return fail(prefix + ".kind", "names " + api + " " + kind + ", which agents do not apply (they apply " + supported_kinds() + ")");
  const json* meta = member(doc, "metadata");
  if (!meta || !meta->is_object()) return fail(prefix + ".metadata", "is required and must be a mapping");
  const auto name = text_of(member(*meta, "name"));
  if (name.empty()) return fail(prefix + ".metadata.name", "is required");
  const bool label_name = res->kind == "Namespace";
  if (label_name ? !is_dns_label(name) : !shipwright::is_dns_subdomain(name))
    return fail(prefix + ".metadata.name", label_name ? "must be a lower-case RFC 1123 label of at most 63 characters"
                                                      : "must be a lower-case RFC 1123 name of at most 253 characters");
  std::string ns;
  if (const json* n = member(*meta, "namespace")) {
    if (!res->namespaced) return fail(prefix + ".metadata.namespace", "must not be set: " + kind + " is cluster-scoped");
    ns = text_of(n);
    if (!is_dns_label(ns)) return fail(prefix + ".metadata.namespace", "must be a lower-case RFC 1123 label of at most 63 characters");
  }
  for (const char* key : {"labels", "annotations"})
    if (auto r = string_map(*meta, key, prefix + ".metadata"); !r) return unexpected(r.error());
  return object{*res, std::move(ns), name, std::move(doc)};
}

}  // namespace

expected<manifest, spec_error> parse_manifest(std::string_view text) {
  auto docs = parse_yaml_documents(text);
  if (!docs) return fail("crd_spec", "is not valid YAML or JSON: " + docs.error());
  if (docs->empty()) return fail("crd_spec", "holds no document");
  manifest m;
  for (size_t i = 0; i < docs->size(); ++i) {
    const std::string prefix = "crd_spec[" + std::to_string(i) + "]";
    auto obj = read_object(std::move((*docs)[i]), prefix);
    if (!obj) return unexpected(obj.error());
    const auto& meta = obj->body["metadata"];
    if (auto r = read_wait(meta, prefix + ".metadata", obj->res.kind, static_cast<int>(i), m); !r)
      return unexpected(r.error());
    m.objects.push_back(std::move(*obj));
  }
  return m;
}

}  // namespace brokkr::k8s::apply
