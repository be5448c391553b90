#include "k8s/shipwright_outcome.hpp"

namespace brokkr::k8s::shipwright {
namespace {

using enum disposition;

// Condition reasons with status False (reference/shipwright.md sections 5 and 7).
constexpr reason_rule condition_reasons[] = {
    // Spec and validation problems: the same spec fails again.
    {"BuildRunNameInvalid", permanent},
    {"BuildRunNoRefOrSpec", permanent},
    {"BuildRunAmbiguousBuild", permanent},
    {"BuildRunBuildFieldOverrideForbidden", permanent},
    {"UnknownStrategyKind", permanent},
    {"ClusterBuildStrategyNotFound", permanent},  // needs an operator, then a touched Build (section 2)
    {"BuildStrategyNotFound", permanent},
    {"MissingParameterValues", permanent},
    {"RestrictedParametersInUse", permanent},
    {"UndefinedParameter", permanent},
    {"WrongParameterValueType", permanent},
    {"InconsistentParameterValues", permanent},
    {"EmptyArrayItemParameterValues", permanent},
    {"IncompleteConfigMapValueParameterValues", permanent},
    {"IncompleteSecretValueParameterValues", permanent},
    {"UndefinedVolume", permanent},
    {"VolumeNotOverridable", permanent},
    {"VolumeDoesNotExist", permanent},  // a missing Secret/ConfigMap: an operator must create it
    {"UndefinedStepResource", permanent},
    {"NodeSelectorNotValid", permanent},
    {"TolerationNotValid", permanent},
    {"SchedulerNameNotValid", permanent},
    {"RuntimeClassNameNotValid", permanent},
    {"InvalidPlatform", permanent},
    {"NodeSelectorPlatformConflict", permanent},
    {"ExecutorNotPipelineRun", permanent},
    {"SpecEnvNameForbidden", permanent},
    {"TaskRunGenerationFailed", permanent},
    {"PipelineRunGenerationFailed", permanent},
    {"ServiceAccountNotFound", permanent},  // only a race if the agent created things out of order
    {"BuildNotFound", permanent},
    {"BuildRegistrationFailed", permanent},
    {"TaskRunValidationFailed", permanent},
    {"InvalidParamValue", permanent},
    {"CreateContainerConfigError", permanent},
    {"VulnerabilitiesFound", permanent},  // deterministic until the image or the ignore list changes
    // Judgement call: out of memory repeats unless the retry raises memory through stepResources, which
    // the agent does not do.
    {"StepOutOfMemory", permanent},
    // Likely transient.
    {"BuildRunTimeout", retryable},
    {"PodEvicted", retryable},
    {"TaskRunIsMissing", retryable},
    {"SetOwnerReferenceFailed", retryable},
    {"NodePlatformNotFound", retryable},
    {"TaskRunImagePullFailed", retryable},
    {"PullImageFailed", retryable},
    {"PodCreationFailed", retryable},
    {"PodAdmissionFailed", retryable},
    {"ExceededResourceQuota", retryable},
    {"InitContainerFailed", retryable},
    {"SidecarFailed", retryable},
    {"RemoteRepositoryUnreachable", retryable},
};

// failureDetails.reason written by Shipwright's git step (section 6). Both spellings of the private
// repository reason are listed: the docs say GitRemotePrivate, the code GitRemoteRepositoryPrivate.
constexpr reason_rule git_reasons[] = {
    {"GitAuthInvalidUserOrPass", permanent},
    {"GitAuthInvalidKey", permanent},
    {"GitRevisionNotFound", permanent},
    {"GitRemoteRepositoryNotFound", permanent},
    {"GitRemoteRepositoryPrivate", permanent},
    {"GitRemotePrivate", permanent},
    {"GitBasicAuthIncomplete", permanent},
    {"GitSSHAuthUnexpected", permanent},
    {"GitSSHAuthExpected", permanent},
    {"AuthUnexpectedHTTP", permanent},
    {"GitError", retryable},  // DNS, TLS, timeouts, connection refused
};

// A Failed condition without a known failureDetails.reason: the failed container decides. Anything
// else (the strategy's own build step) is the user's build failing: permanent.
constexpr reason_rule failed_containers[] = {
    {"step-source-default", retryable},    // clone failed without a classified reason: network
    {"step-image-processing", retryable},  // push failed (exit 22 would have been VulnerabilitiesFound)
    // Judgement call: with a strategy-managed push a registry outage looks exactly like a broken
    // build, so allow one retry (section 7); the shipwright-managed variant separates the two.
    {"step-build-and-push", retryable, 1},
};

// Section 7's rule for any False reason not listed: retry, with a small budget.
constexpr int unknown_reason_retry_limit = 2;

constexpr std::string_view executor_failure_reasons[] = {"Failed", "PipelineRunFailed"};

const reason_rule* find(std::span<const reason_rule> table, std::string_view reason) {
  for (const auto& r : table)
    if (r.reason == reason) return &r;
  return nullptr;
}

buildrun_outcome decided(buildrun_outcome o, disposition d, int limit, std::string_view rule) {
  o.disp = d;
  o.retry_limit = limit;
  o.rule = rule;
  return o;
}

// Reason Failed (or PipelineRunFailed): the git reason, then the failed container, decide.
buildrun_outcome interpret_executor_failure(buildrun_outcome o, const buildrun_status& s) {
  if (!s.failure) return decided(std::move(o), retryable, unknown_reason_retry_limit, "failed-without-details");
  if (const auto* git = find(git_reasons, s.failure->reason))
    return decided(std::move(o), git->disp, git->retry_limit, "git");
  const auto& container = s.failure->location.container;
  if (container.empty()) return decided(std::move(o), retryable, unknown_reason_retry_limit, "failed-without-container");
  if (const auto* rule = find(failed_containers, container))
    return decided(std::move(o), rule->disp, rule->retry_limit, "container");
  return decided(std::move(o), permanent, -1, "build-step");
}

}  // namespace

std::string_view to_string(disposition d) {
  switch (d) {
    case running: return "running";
    case succeeded: return "succeeded";
    case retryable: return "retryable";
    case permanent: return "permanent";
    case canceled: return "canceled";
  }
  return "running";
}

std::span<const reason_rule> condition_reason_table() { return condition_reasons; }
std::span<const reason_rule> git_reason_table() { return git_reasons; }
std::span<const reason_rule> failed_container_table() { return failed_containers; }

bool is_executor_failure_reason(std::string_view reason) {
  for (const auto r : executor_failure_reasons)
    if (r == reason) return true;
  return false;
}

buildrun_outcome interpret_buildrun(const buildrun_status& s) {
  buildrun_outcome o;
  if (!s.succeeded || s.succeeded->status.empty() || s.succeeded->status == "Unknown") {
    // Includes Unknown/BuildRunCanceled: the cancel was requested but the TaskRun is still stopping.
    if (s.succeeded) o.condition_reason = o.reason = s.succeeded->reason;
    return decided(std::move(o), running, -1, "not-done");
  }
  const auto& c = *s.succeeded;
  o.condition_reason = o.reason = c.reason;
  o.message = c.message;
  if (s.failure) {
    if (!s.failure->reason.empty()) o.reason = s.failure->reason;
    if (!s.failure->message.empty()) o.message = s.failure->message;
    if (!s.failure->location.pod.empty() || !s.failure->location.container.empty()) o.location = s.failure->location;
  }
  // True is success whatever the reason says ("completed before the request to cancel" included).
  if (c.status == "True") return decided(std::move(o), succeeded, -1, "succeeded");
  if (c.reason == "BuildRunCanceled") return decided(std::move(o), canceled, -1, "canceled");
  if (c.reason == "TaskRunCancelled")  // someone else cancelled the TaskRun: ours to retry
    return decided(std::move(o), s.cancel_requested ? canceled : retryable, -1, "taskrun-cancelled");
  if (is_executor_failure_reason(c.reason)) return interpret_executor_failure(std::move(o), s);
  if (const auto* rule = find(condition_reasons, c.reason))
    return decided(std::move(o), rule->disp, rule->retry_limit, "condition");
  return decided(std::move(o), retryable, unknown_reason_retry_limit, "unknown-reason");
}

}  // namespace brokkr::k8s::shipwright
