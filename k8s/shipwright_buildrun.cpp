#include "k8s/shipwright_buildrun.hpp"

#include <cctype>

#include "common/time.hpp"

namespace brokkr::k8s::shipwright {
namespace {

using json = nlohmann::json;

void merge_strings(json& target, const std::map<std::string, std::string>& ours) {
  if (!target.is_object()) target = json::object();
  for (const auto& [k, v] : ours) target[k] = v;
}

}  // namespace

expected<json, manifest_error> make_buildrun(const buildrun_params& p, const build_manifest* manifest) {
  if (!is_dns_subdomain(p.name) || !is_label_value(p.name))
    return unexpected(manifest_error{"crd_spec.buildrun.metadata.name", "crd_spec.buildrun.metadata.name '" + p.name +
                                                                   "' must be a lower-case name of at most 63 characters"});
  if (p.build_name.empty())
    return unexpected(manifest_error{"crd_spec.buildrun.spec.build.name", "crd_spec.buildrun.spec.build.name is required"});
  json spec = json::object();
  if (!p.service_account.empty()) spec["serviceAccount"] = p.service_account;
  if (p.timeout) spec["timeout"] = format_duration(*p.timeout);
  if (p.ttl_after_succeeded) spec["retention"]["ttlAfterSucceeded"] = format_duration(*p.ttl_after_succeeded);
  if (p.ttl_after_failed) spec["retention"]["ttlAfterFailed"] = format_duration(*p.ttl_after_failed);
  json labels = json::object();
  json annotations = json::object();
  if (manifest && manifest->buildrun) {
    const auto& doc = *manifest->buildrun;
    if (const auto s = doc.find("spec"); s != doc.end() && s->is_object())
      for (const auto& [k, v] : s->items()) spec[k] = v;
    if (const auto m = doc.find("metadata"); m != doc.end() && m->is_object()) {
      if (const auto l = m->find("labels"); l != m->end() && l->is_object()) labels = *l;
      if (const auto a = m->find("annotations"); a != m->end() && a->is_object()) annotations = *a;
    }
  }
  spec["build"] = {{"name", p.build_name}};
  merge_strings(labels, p.labels);
  merge_strings(annotations, p.annotations);
  json metadata = {{"name", p.name}, {"labels", labels}};
  if (!p.namespace_name.empty()) metadata["namespace"] = p.namespace_name;
  if (!annotations.empty()) metadata["annotations"] = annotations;
  return json{{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "BuildRun"}, {"metadata", metadata}, {"spec", spec}};
}

json make_build(const build_manifest& m, const std::map<std::string, std::string>& labels,
                const std::string& default_namespace) {
  json build = m.build;
  auto& meta = build["metadata"];
  merge_strings(meta["labels"], labels);
  if (m.namespace_name().empty() && !default_namespace.empty()) meta["namespace"] = default_namespace;
  return build;
}

std::string deterministic_buildrun_name(const std::string& build_name, const std::string& work_id, int attempt) {
  std::string work8;
  for (const char c : work_id) {
    if (work8.size() == 8) break;
    if (c != '-') work8 += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const std::string suffix = "-" + work8 + "-a" + std::to_string(attempt);
  std::string head = build_name.substr(0, 63 - std::min<size_t>(suffix.size(), 62));
  while (!head.empty() && (head.back() == '-' || head.back() == '.')) head.pop_back();
  return head + suffix;
}

}  // namespace brokkr::k8s::shipwright
