// shipwright_controller: what the BuildRun reconciler checks before it creates the TaskRun
// (reference/shipwright.md section 11, steps 1-7), in that order; the first failure ends the run.
#include <set>

#include "common/time.hpp"
#include "k8s/shipwright_manifest.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/shipwright_controller.hpp"

namespace brokkr::k8s::sim {
namespace {

// Reasons Shipwright sets before anything runs; a knob naming one fails the run right there.
const std::set<std::string>& early_reasons() {
  static const std::set<std::string> reasons = {
      "UnknownStrategyKind", "ClusterBuildStrategyNotFound", "BuildStrategyNotFound", "SetOwnerReferenceFailed",
      "TaskRunGenerationFailed", "PipelineRunGenerationFailed", "ServiceAccountNotFound", "BuildRegistrationFailed",
      "BuildNotFound", "MissingParameterValues", "RestrictedParametersInUse", "UndefinedParameter",
      "WrongParameterValueType", "InconsistentParameterValues", "EmptyArrayItemParameterValues",
      "IncompleteConfigMapValueParameterValues", "IncompleteSecretValueParameterValues", "BuildRunNameInvalid",
      "BuildRunNoRefOrSpec", "BuildRunAmbiguousBuild", "BuildRunBuildFieldOverrideForbidden", "UndefinedVolume",
      "VolumeNotOverridable", "VolumeDoesNotExist", "UndefinedStepResource", "NodeSelectorNotValid",
      "TolerationNotValid", "SchedulerNameNotValid", "RuntimeClassNameNotValid", "InvalidPlatform",
      "NodeSelectorPlatformConflict", "ExecutorNotPipelineRun", "NodePlatformNotFound", "SpecEnvNameForbidden"};
  return reasons;
}

// Fields a BuildRun may not set next to an embedded build.spec (BuildRunBuildFieldOverrideForbidden).
constexpr const char* embedded_forbidden[] = {"output", "paramValues", "env", "timeout", "nodeSelector",
                                              "tolerations", "schedulerName", "runtimeClassName", "stepResources"};

// The BuildRun's values merged into the Build's by name; the BuildRun wins.
json merge_by_name(const json& base, const json& over) {
  json out = base.is_array() ? base : json::array();
  for (const auto& item : over.is_array() ? over : json::array()) {
    bool replaced = false;
    for (auto& b : out)
      if (b.value("name", "") == item.value("name", "")) b = item, replaced = true;
    if (!replaced) out.push_back(item);
  }
  return out;
}

json effective_spec(const json& build_spec, const json& run_spec) {
  json spec = build_spec;
  for (const char* k : {"paramValues", "env", "volumes"})
    if (run_spec.contains(k)) spec[k] = merge_by_name(spec.value(k, json::array()), run_spec[k]);
  for (const char* k : {"timeout", "nodeSelector", "tolerations", "schedulerName", "runtimeClassName"})
    if (run_spec.contains(k)) spec[k] = run_spec[k];
  if (run_spec.contains("retention")) spec["retention"].update(run_spec["retention"]);
  if (run_spec.contains("output")) {
    const json& o = run_spec["output"];
    for (const auto& [k, v] : o.items()) {
      if ((k == "annotations" || k == "labels") && v.is_object()) spec["output"][k].update(v);
      else spec["output"][k] = v;
    }
  }
  return spec;
}

}  // namespace

shipwright_controller::check_result shipwright_controller::fail_early(const json& run, const std::string& reason,
                                                                      const std::string& message) {
  // Early failures carry completionTime and no startTime.
  write_run_status(namespace_of(run), name_of(run), [&](json& status) {
    const std::string now = format_rfc3339(std::chrono::system_clock::now());
    status["conditions"] = json::array({{{"type", "Succeeded"}, {"status", "False"}, {"reason", reason},
                                         {"message", message}, {"lastTransitionTime", now}}});
    status["completionTime"] = now;
  });
  return check_result::failed;
}

// Steps 1-2: the name, the build reference, and the Build (or the embedded spec) with its registration.
shipwright_controller::check_result shipwright_controller::find_build(const json& run, run_context& ctx) {
  const std::string ns = namespace_of(run);
  const std::string name = name_of(run);
  const json spec = run.value("spec", json::object());
  if (!shipwright::is_label_value(name))
    return fail_early(run, "BuildRunNameInvalid", "the BuildRun name " + name + " is not a valid label value");
  const json* ref = at_path(spec, "build.name");
  const json* embedded = at_path(spec, "build.spec");
  if (ref && embedded) return fail_early(run, "BuildRunAmbiguousBuild", "fields build.name and build.spec are mutually exclusive");
  if (!ref && !embedded) return fail_early(run, "BuildRunNoRefOrSpec", "no build referenced or specified, either build.name or build.spec is required");
  if (embedded) {
    for (const char* k : embedded_forbidden)
      if (spec.contains(k))
        return fail_early(run, "BuildRunBuildFieldOverrideForbidden", std::string("cannot use '") + k + "' override and 'buildSpec' simultaneously");
    ctx.build = {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "Build"}, {"spec", *embedded},
                 {"metadata", {{"name", name}, {"namespace", ns}, {"annotations", at_path(run, "metadata.annotations")
                                                                                     ? run["metadata"]["annotations"] : json::object()}}}};
    if (auto f = validate_build(ctx.build, view())) return fail_early(run, "BuildRegistrationFailed", f->message);
    return check_result::proceed;
  }
  const std::string build_name = ref->is_string() ? ref->get<std::string>() : std::string();
  auto build = store_.get(builds_, ns, build_name);
  if (!build) return fail_early(run, "BuildNotFound", "build.shipwright.io \"" + build_name + "\" not found");
  const std::string registered = string_at(*build, "status.registered");
  if (registered.empty()) return check_result::wait;  // the Build controller has not looked at it yet
  if (registered == "False")
    return fail_early(run, "BuildRegistrationFailed", "the Build is not registered correctly, build: " + build_name +
                                                          ", registered status: False, reason: " +
                                                          string_at(*build, "status.reason"));
  ctx.build = std::move(*build);
  return check_result::proceed;
}

shipwright_controller::check_result shipwright_controller::check_run(const json& run, run_state& st,
                                                                     run_context& ctx) {
  if (const auto found = find_build(run, ctx); found != check_result::proceed) return found;
  const std::string ns = namespace_of(run);
  const json spec = run.value("spec", json::object());
  if (string_at(spec, "state") == "BuildRunCanceled") return fail_early(run, "BuildRunCanceled", "the BuildRun is marked canceled.");
  ctx.spec = effective_spec(ctx.build.value("spec", json::object()), spec);
  ctx.service_account = string_at(spec, "serviceAccount");
  if (ctx.service_account.empty()) {
    // Unset: "pipeline" when it exists (the OpenShift convention), else "default"; neither: keep waiting.
    for (const char* sa : {"pipeline", "default"})
      if (ctx.service_account.empty() && store_.get(serviceaccounts_, ns, sa)) ctx.service_account = sa;
    if (ctx.service_account.empty()) return check_result::wait;
  } else if (ctx.service_account != ".generate" && !store_.get(serviceaccounts_, ns, ctx.service_account)) {
    return fail_early(run, "ServiceAccountNotFound", "service account " + ctx.service_account + " not found");
  }
  auto strategy = resolve_strategy(ctx.spec, ns, view(), check_for::buildrun);
  if (!strategy) return fail_early(run, strategy.error().reason, strategy.error().message);
  ctx.strategy = std::move(*strategy);
  if (auto f = validate_params(ctx.spec.value("paramValues", json::array()), ctx.strategy, check_for::buildrun))
    return fail_early(run, f->reason, f->message);
  if (auto f = validate_volumes_and_steps(ctx.spec, ctx.strategy)) return fail_early(run, f->reason, f->message);
  for (const char* path : {"output.pushSecret", "source.git.cloneSecret", "source.ociArtifact.pullSecret"}) {
    const std::string secret = string_at(ctx.spec, path);
    if (!secret.empty() && !store_.get(secrets_, ns, secret))
      return fail_early(run, "VolumeDoesNotExist", "secrets \"" + secret + "\" not found");
  }
  auto knobs = read_scenario(ctx.build, opts_.default_duration);
  ctx.knobs = knobs ? std::move(*knobs) : scenario{opts_.default_duration};
  if (st.index < 0) st.index = started_[uid_of(ctx.build)]++;
  if (ctx.knobs.run_fails(st.index, brokkr_attempt(run), opts_.cluster_name) && early_reasons().count(ctx.knobs.reason))
    return fail_early(run, ctx.knobs.reason, "simulated by brokkr-sim-cluster (sim.brokkr.io/reason)");
  return check_result::proceed;
}

}  // namespace brokkr::k8s::sim
