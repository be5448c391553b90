#include "k8s/sim/build_validation.hpp"

#include <set>

#include "k8s/shipwright_manifest.hpp"
#include "k8s/sim/object_meta.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

bool restricted(const std::string& name) {
  return name.rfind("shp-", 0) == 0 || name == "BUILDER_IMAGE" || name == "DOCKERFILE" || name == "CONTEXT_DIR";
}

const json& array_at(const json& obj, std::string_view path) {
  static const json empty = json::array();
  const json* v = at_path(obj, path);
  return v && v->is_array() ? *v : empty;
}

int forms_of(const json& v) {
  int n = 0;
  for (const char* k : {"value", "configMapValue", "secretValue"})
    if (v.contains(k) && !v[k].is_null()) ++n;
  return n;
}

std::optional<check_failure> check_references(const json& item, const std::string& name) {
  if (const auto cm = item.find("configMapValue"); cm != item.end() && cm->is_object() &&
                                                  (cm->value("name", "").empty() || cm->value("key", "").empty()))
    return check_failure{"IncompleteConfigMapValueParameterValues",
                         "configMapValue of parameter " + name + " needs a name and a key"};
  if (const auto s = item.find("secretValue"); s != item.end() && s->is_object() &&
                                              (s->value("name", "").empty() || s->value("key", "").empty()))
    return check_failure{"IncompleteSecretValueParameterValues",
                         "secretValue of parameter " + name + " needs a name and a key"};
  return std::nullopt;
}

std::optional<check_failure> check_value(const json& v, const json& param) {
  const std::string name = v.value("name", "");
  const bool is_array = param.value("type", "string") == "array";
  const bool has_values = v.contains("values") && !v["values"].is_null();
  if (forms_of(v) > 1 || (has_values && forms_of(v) > 0))
    return check_failure{"InconsistentParameterValues", "parameter " + name + " has more than one kind of value"};
  if (is_array && forms_of(v) > 0)
    return check_failure{"WrongParameterValueType", "The parameter " + name + " is an array, but a single value was provided"};
  if (!is_array && has_values)
    return check_failure{"WrongParameterValueType", "The parameter " + name + " is not an array, but values were provided"};
  if (has_values) {
    for (const auto& item : v["values"]) {
      if (!item.is_object() || forms_of(item) == 0)
        return check_failure{"EmptyArrayItemParameterValues", "parameter " + name + " has an empty array item"};
      if (auto f = check_references(item, name)) return f;
    }
  }
  return check_references(v, name);
}

std::optional<check_failure> check_secrets(const json& build, const cluster_view& view) {
  const std::string ns = namespace_of(build);
  std::string source = string_at(build, "spec.source.git.cloneSecret");
  if (source.empty()) source = string_at(build, "spec.source.ociArtifact.pullSecret");
  const std::string output = string_at(build, "spec.output.pushSecret");
  const bool source_missing = !source.empty() && !view.secret_exists(ns, source);
  const bool output_missing = !output.empty() && !view.secret_exists(ns, output);
  if (source_missing && output_missing)
    return check_failure{"MultipleSecretRefNotFound", "missing secrets are " + source + "," + output};
  if (source_missing) return check_failure{"SpecSourceSecretRefNotFound", "referenced secret " + source + " not found"};
  if (output_missing) return check_failure{"SpecOutputSecretRefNotFound", "referenced secret " + output + " not found"};
  return std::nullopt;
}

}  // namespace

std::optional<check_failure> validate_volumes_and_steps(const json& spec, const json& strategy) {
  for (const auto& vol : array_at(spec, "volumes")) {
    const std::string name = vol.value("name", "");
    const json* defined = nullptr;
    for (const auto& sv : array_at(strategy, "spec.volumes"))
      if (sv.value("name", "") == name) defined = &sv;
    if (!defined) return check_failure{"UndefinedVolume", "Volume " + name + " is not defined in the strategy"};
    if (!defined->value("overridable", false))
      return check_failure{"VolumeNotOverridable", "Volume " + name + " is not overridable"};
  }
  std::set<std::string> steps;
  for (const auto& step : array_at(strategy, "spec.steps")) steps.insert(step.value("name", ""));
  for (const auto& sr : array_at(spec, "strategy.stepResources"))
    if (!steps.count(sr.value("name", "")))
      return check_failure{"UndefinedStepResource", "step " + sr.value("name", "") + " is not defined in the strategy"};
  return std::nullopt;
}

namespace {

std::optional<check_failure> check_output_and_env(const json& build) {
  const std::string ts = string_at(build, "spec.output.timestamp");
  if (ts == "SourceTimestamp" && !at_path(build, "spec.source"))
    return check_failure{"OutputTimestampNotSupported", "cannot use SourceTimestamp output image setting without a source"};
  if (!ts.empty() && ts != "Zero" && ts != "SourceTimestamp" && ts != "BuildTimestamp" &&
      ts.find_first_not_of("0123456789") != std::string::npos)
    return check_failure{"OutputTimestampNotValid", "output timestamp value is invalid: " + ts};
  if (!shipwright::is_label_value(name_of(build)))
    return check_failure{"BuildNameInvalid", "build name is not a valid label value: " + name_of(build)};
  for (const auto& env : array_at(build, "spec.env")) {
    if (env.value("name", "").empty()) return check_failure{"SpecEnvNameCanNotBeBlank", "name for environment variable must not be blank"};
    if (env.contains("value") && env.contains("valueFrom"))
      return check_failure{"SpecEnvOnlyOneOfValueOrValueFromMustBeSpecified",
                           "only one of value or valueFrom must be specified for " + env.value("name", "")};
  }
  return std::nullopt;
}

}  // namespace

expected<json, check_failure> resolve_strategy(const json& spec, const std::string& ns, const cluster_view& view,
                                               check_for who) {
  std::string kind = string_at(spec, "strategy.kind");
  const std::string name = string_at(spec, "strategy.name");
  if (kind.empty()) kind = "BuildStrategy";
  if (kind != "BuildStrategy" && kind != "ClusterBuildStrategy") {
    if (who == check_for::build)
      return unexpected(check_failure{"UnknownBuildStrategyKind", "unknown strategy kind " + kind +
                                                                      " used, must be one of BuildStrategy, or ClusterBuildStrategy"});
    return unexpected(check_failure{"UnknownStrategyKind", "unknown strategy " + kind});
  }
  if (auto s = view.strategy(kind, ns, name)) return std::move(*s);
  if (kind == "BuildStrategy")
    return unexpected(check_failure{"BuildStrategyNotFound", "buildStrategy " + name + " does not exist in namespace " + ns});
  return unexpected(check_failure{"ClusterBuildStrategyNotFound", "clusterBuildStrategy " + name + " does not exist"});
}

std::optional<check_failure> validate_params(const json& values, const json& strategy, check_for who) {
  const json& params = array_at(strategy, "spec.parameters");
  auto param_named = [&](const std::string& n) -> const json* {
    for (const auto& p : params)
      if (p.value("name", "") == n) return &p;
    return nullptr;
  };
  std::set<std::string> given;
  for (const auto& v : values.is_array() ? values : json::array()) {
    const std::string name = v.value("name", "");
    given.insert(name);
    if (restricted(name))
      return check_failure{"RestrictedParametersInUse", "The following parameters are restricted and cannot be set: " + name};
    if (!param_named(name))
      return check_failure{"UndefinedParameter", "The following parameters are not defined in the build strategy: " + name};
  }
  if (who == check_for::buildrun) {
    for (const auto& p : params) {
      const std::string name = p.value("name", "");
      if (!given.count(name) && !p.contains("default") && !p.contains("defaults"))
        return check_failure{"MissingParameterValues",
                             "The following parameters are required but no value has been provided: " + name};
    }
  }
  for (const auto& v : values.is_array() ? values : json::array())
    if (auto f = check_value(v, *param_named(v.value("name", "")))) return f;
  return std::nullopt;
}

std::optional<check_failure> validate_build(const json& build, const cluster_view& view) {
  const auto verify = at_path(build, "metadata.annotations");
  if (verify && verify->is_object() && verify->contains("build.shipwright.io/verify.repository")) {
    const auto v = (*verify)["build.shipwright.io/verify.repository"];
    if (!v.is_string() || (v != "" && v != "true" && v != "false"))
      return check_failure{"RemoteRepositoryUnreachable", "the annotation build.shipwright.io/verify.repository must be "
                                                          "true or false"};
    if (v == "true" && string_at(build, "spec.source.git.url").find(".invalid") != std::string::npos)
      return check_failure{"RemoteRepositoryUnreachable", "remote repository unreachable"};
  }
  if (auto f = check_secrets(build, view)) return f;
  const json& spec = build.contains("spec") ? build["spec"] : json::object();
  auto strategy = resolve_strategy(spec, namespace_of(build), view, check_for::build);
  if (!strategy) return strategy.error();
  if (auto f = validate_params(spec.value("paramValues", json::array()), *strategy, check_for::build)) return f;
  if (auto f = validate_volumes_and_steps(spec, *strategy)) return f;
  return check_output_and_env(build);
}

}  // namespace brokkr::k8s::sim
