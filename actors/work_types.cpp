#include "actors/work_types.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace brokkr {
namespace {

validation_error spec_error(const std::string& path, const std::string& message) {
  return {"crd_spec" + (path.empty() ? "" : "." + path), message};
}

// Every document of a crd_spec must be a mapping: a scalar ("hello") is valid YAML but no manifest.
expected<std::vector<YAML::Node>, validation_error> load_documents(const std::string& text) {
  std::vector<YAML::Node> docs;
  try {
    for (auto& d : YAML::LoadAll(text))
      if (!d.IsNull()) docs.push_back(d);
  } catch (const YAML::Exception& e) {
    return unexpected(spec_error("", "crd_spec is neither valid YAML nor JSON: line " +
                                         std::to_string(e.mark.line + 1) + ": " + e.msg));
  }
  if (docs.empty()) return unexpected(spec_error("", "crd_spec holds no document"));
  for (size_t i = 0; i < docs.size(); ++i)
    if (!docs[i].IsMap())
      return unexpected(spec_error("", "crd_spec document " + std::to_string(i + 1) +
                                           " is not a mapping (a Kubernetes manifest)"));
  return docs;
}

std::string scalar(const YAML::Node& n) {
  return n && n.IsScalar() ? n.as<std::string>() : std::string();
}

status<validation_error> require(const YAML::Node& doc, const std::string& path) {
  YAML::Node cur = doc;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur.IsMap() || !cur[key]) return unexpected(spec_error(path, path + " is required"));
    // reset(), not operator=: assigning a yaml-cpp Node overwrites the node it refers to.
    cur.reset(cur[key]);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur.IsScalar() && cur.as<std::string>().empty())
    return unexpected(spec_error(path, path + " must not be empty"));
  return ok;
}

status<validation_error> validate_shipwright_build(const std::string& text) {
  auto docs = load_documents(text);
  if (!docs) return unexpected(docs.error());
  const YAML::Node& build = (*docs)[0];
  if (scalar(build["kind"]) != "Build")
    return unexpected(spec_error("kind", "the first document must be a Shipwright Build (kind: Build)"));
  if (scalar(build["apiVersion"]) != "shipwright.io/v1beta1")
    return unexpected(spec_error("apiVersion", "apiVersion must be shipwright.io/v1beta1"));
  for (const char* path : {"metadata.name", "spec.strategy.name", "spec.output.image"})
    if (auto s = require(build, path); !s) return s;
  if (docs->size() > 2)
    return unexpected(spec_error("", "crd_spec may hold a Build and at most one BuildRun"));
  if (docs->size() == 2 && scalar((*docs)[1]["kind"]) != "BuildRun")
    return unexpected(spec_error("kind", "the second document must be a BuildRun (kind: BuildRun)"));
  return ok;
}

status<validation_error> validate_condition_annotation(const YAML::Node& doc, std::string_view key,
                                                       size_t index) {
  const YAML::Node ann = doc["metadata"]["annotations"];
  if (!ann || !ann[std::string(key)]) return ok;
  static const std::regex form("condition=[A-Za-z][A-Za-z0-9_.-]*(=(True|False|Unknown))?");
  if (!std::regex_match(scalar(ann[std::string(key)]), form))
    return unexpected(spec_error("metadata.annotations." + std::string(key),
                                 "document " + std::to_string(index + 1) + ": " + std::string(key) +
                                     " must read condition=<Type> or condition=<Type>=<True|False|Unknown>"));
  return ok;
}

status<validation_error> validate_kubernetes_apply(const std::string& text) {
  auto docs = load_documents(text);
  if (!docs) return unexpected(docs.error());
  for (size_t i = 0; i < docs->size(); ++i) {
    const YAML::Node& d = (*docs)[i];
    for (const char* path : {"apiVersion", "kind", "metadata.name"})
      if (auto s = require(d, path); !s)
        return unexpected(spec_error(path, "document " + std::to_string(i + 1) + ": " + path +
                                               " is required"));
    for (auto key : {annotation_wait_for, annotation_fail_on})
      if (auto s = validate_condition_annotation(d, key, i); !s) return s;
  }
  return ok;
}

}  // namespace

const std::vector<std::string_view>& known_work_types() {
  static const std::vector<std::string_view> types{work_type_shipwright_build,
                                                   work_type_kubernetes_apply};
  return types;
}

bool is_known_work_type(std::string_view type) {
  for (auto t : known_work_types())
    if (t == type) return true;
  return false;
}

status<validation_error> validate_crd_spec(std::string_view work_type, const std::string& spec) {
  if (work_type == work_type_shipwright_build) return validate_shipwright_build(spec);
  if (work_type == work_type_kubernetes_apply) return validate_kubernetes_apply(spec);
  return unexpected(validation_error{"work_type", "unknown work_type"});
}

}  // namespace brokkr
