// interpret_buildrun against every reason of reference/shipwright.md sections 5, 6 and 7.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "k8s/shipwright_outcome.hpp"

using namespace brokkr::k8s::shipwright;

namespace {

struct row {
  std::string status;      // condition status
  std::string reason;      // condition reason
  disposition expected;
  int retry_limit = -1;
};

buildrun_status with_condition(const std::string& status, const std::string& reason) {
  buildrun_status s;
  s.succeeded = condition{"Succeeded", status, reason, "message of " + reason, std::nullopt};
  return s;
}

buildrun_status failed_in(const std::string& container, const std::string& detail_reason = {}) {
  auto s = with_condition("False", "Failed");
  s.failure = failure_details{detail_reason, detail_reason.empty() ? "" : "git said no", {"run-pod", container}};
  return s;
}

void check_rows(const std::vector<row>& rows) {
  for (const auto& r : rows) {
    const auto o = interpret_buildrun(with_condition(r.status, r.reason));
    BOOST_TEST_CONTEXT("reason " << r.reason << " status " << r.status) {
      BOOST_TEST(to_string(o.disp) == to_string(r.expected));
      BOOST_TEST(o.retry_limit == r.retry_limit);
      BOOST_TEST(o.condition_reason == r.reason);
    }
  }
}

constexpr auto P = disposition::permanent;
constexpr auto R = disposition::retryable;
constexpr auto run = disposition::running;

}  // namespace

BOOST_AUTO_TEST_SUITE(shipwright_outcome)

BOOST_AUTO_TEST_CASE(no_condition_yet_is_running) {
  buildrun_status s;
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "running");
  s.succeeded = condition{"Succeeded", "", "", "", std::nullopt};
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "running");
  BOOST_TEST(!is_done(s));
}

BOOST_AUTO_TEST_CASE(unknown_status_reasons_are_running) {
  // Section 5: Started, Running and Tekton's Unknown reasons; section 11: Pending.
  check_rows({{"Unknown", "Started", run}, {"Unknown", "Pending", run}, {"Unknown", "Running", run},
              {"Unknown", "ExceededNodeResources", run}, {"Unknown", "PullImageFailed", run},
              {"Unknown", "ExceededResourceQuota", run},
              // Cancel requested, TaskRun not cancelled yet.
              {"Unknown", "BuildRunCanceled", run}});
}

BOOST_AUTO_TEST_CASE(succeeded_true_completes_even_after_a_late_cancel) {
  auto s = with_condition("True", "Succeeded");
  s.cancel_requested = true;  // "completed before the request to cancel"
  const auto o = interpret_buildrun(s);
  BOOST_TEST(to_string(o.disp) == "succeeded");
  BOOST_TEST(is_done(s));
}

BOOST_AUTO_TEST_CASE(reasons_set_before_the_run_are_permanent) {
  check_rows({{"False", "BuildRunNameInvalid", P},
              {"False", "BuildRunNoRefOrSpec", P},
              {"False", "BuildRunAmbiguousBuild", P},
              {"False", "BuildRunBuildFieldOverrideForbidden", P},
              {"False", "UnknownStrategyKind", P},
              {"False", "ClusterBuildStrategyNotFound", P},
              {"False", "BuildStrategyNotFound", P},
              {"False", "TaskRunGenerationFailed", P},
              {"False", "PipelineRunGenerationFailed", P},
              {"False", "ServiceAccountNotFound", P},
              {"False", "BuildRegistrationFailed", P},
              {"False", "BuildNotFound", P}});
}

BOOST_AUTO_TEST_CASE(all_eight_parameter_reasons_are_permanent) {
  check_rows({{"False", "MissingParameterValues", P},
              {"False", "RestrictedParametersInUse", P},
              {"False", "UndefinedParameter", P},
              {"False", "WrongParameterValueType", P},
              {"False", "InconsistentParameterValues", P},
              {"False", "EmptyArrayItemParameterValues", P},
              {"False", "IncompleteConfigMapValueParameterValues", P},
              {"False", "IncompleteSecretValueParameterValues", P}});
}

BOOST_AUTO_TEST_CASE(build_reasons_reused_on_buildruns) {
  check_rows({{"False", "UndefinedVolume", P},
              {"False", "VolumeNotOverridable", P},
              {"False", "VolumeDoesNotExist", P},  // footnote: needs an operator to create the Secret
              {"False", "UndefinedStepResource", P},
              {"False", "NodeSelectorNotValid", P},
              {"False", "TolerationNotValid", P},
              {"False", "SchedulerNameNotValid", P},
              {"False", "RuntimeClassNameNotValid", P},
              {"False", "InvalidPlatform", P},
              {"False", "NodeSelectorPlatformConflict", P},
              {"False", "ExecutorNotPipelineRun", P},
              {"False", "SpecEnvNameForbidden", P},
              {"False", "NodePlatformNotFound", R}});  // capacity
}

BOOST_AUTO_TEST_CASE(state_constants) {
  check_rows({{"False", "VulnerabilitiesFound", P},
              {"False", "StepOutOfMemory", P},  // judgement call: no memory raise on retry
              {"False", "PodEvicted", R},
              {"False", "BuildRunCanceled", disposition::canceled}});
}

BOOST_AUTO_TEST_CASE(executor_reasons) {
  check_rows({{"False", "BuildRunTimeout", R},
              {"False", "TaskRunIsMissing", R},
              {"False", "SetOwnerReferenceFailed", R},
              {"False", "RemoteRepositoryUnreachable", R},
              {"False", "TaskRunImagePullFailed", R},
              {"False", "PullImageFailed", R},
              {"False", "PodCreationFailed", R},
              {"False", "PodAdmissionFailed", R},
              {"False", "ExceededResourceQuota", R},
              {"False", "InitContainerFailed", R},
              {"False", "SidecarFailed", R},
              {"False", "TaskRunValidationFailed", P},
              {"False", "InvalidParamValue", P},
              {"False", "CreateContainerConfigError", P}});
}

BOOST_AUTO_TEST_CASE(tekton_reasons_section_7_does_not_list_get_a_small_retry_budget) {
  // "Any unknown False reason: retryable with a small budget."
  check_rows({{"False", "TaskRunResultLargerThanAllowedLimit", R, 2},
              {"False", "TaskRunStopSidecarFailed", R, 2},
              {"False", "ResourceVerificationFailed", R, 2},
              {"False", "InitContainerOOM", R, 2},
              {"False", "SidecarOOM", R, 2},
              {"False", "ExceededNodeResources", R, 2},
              // PipelineRun-mode reasons Shipwright translates; seen raw they are unknown.
              {"False", "PipelineRunTimeout", R, 2},
              {"False", "PipelineRunCancelled", R, 2},
              {"False", "SomethingNobodyHasSeen", R, 2}});
}

BOOST_AUTO_TEST_CASE(taskrun_cancelled_depends_on_who_cancelled) {
  auto s = with_condition("False", "TaskRunCancelled");
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "retryable");  // not us: retry
  s.cancel_requested = true;
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "canceled");
}

BOOST_AUTO_TEST_CASE(git_failure_reasons_from_failure_details) {
  for (const std::string r : {"GitAuthInvalidUserOrPass", "GitAuthInvalidKey", "GitRevisionNotFound",
                              "GitRemoteRepositoryNotFound", "GitRemoteRepositoryPrivate", "GitRemotePrivate",
                              "GitBasicAuthIncomplete", "GitSSHAuthUnexpected", "GitSSHAuthExpected",
                              "AuthUnexpectedHTTP"}) {
    const auto o = interpret_buildrun(failed_in("step-source-default", r));
    BOOST_TEST_CONTEXT(r) {
      BOOST_TEST(to_string(o.disp) == "permanent");
      BOOST_TEST(o.reason == r);  // the specific reason, not "Failed"
      BOOST_TEST(o.condition_reason == "Failed");
      BOOST_TEST(o.message == "git said no");
      BOOST_REQUIRE(o.location);
      BOOST_TEST(o.location->container == "step-source-default");
      BOOST_TEST(o.rule == "git");
    }
  }
  const auto network = interpret_buildrun(failed_in("step-source-default", "GitError"));
  BOOST_TEST(to_string(network.disp) == "retryable");
  BOOST_TEST(network.reason == "GitError");
}

BOOST_AUTO_TEST_CASE(failed_without_reason_is_decided_by_the_container) {
  BOOST_TEST(to_string(interpret_buildrun(failed_in("step-source-default")).disp) == "retryable");  // network
  BOOST_TEST(to_string(interpret_buildrun(failed_in("step-image-processing")).disp) == "retryable");  // push
  const auto managed = interpret_buildrun(failed_in("step-build-and-push"));
  BOOST_TEST(to_string(managed.disp) == "retryable");  // judgement call: one retry
  BOOST_TEST(managed.retry_limit == 1);
  const auto build = interpret_buildrun(failed_in("step-build"));
  BOOST_TEST(to_string(build.disp) == "permanent");  // the user's build: default to permanent
  BOOST_TEST(build.rule == "build-step");
  // A strategy's own shp-error-reason that is not a git reason: the container still decides.
  BOOST_TEST(to_string(interpret_buildrun(failed_in("step-build", "MyStrategyError")).disp) == "permanent");
}

BOOST_AUTO_TEST_CASE(failed_without_details_or_container_gets_a_small_budget) {
  const auto bare = interpret_buildrun(with_condition("False", "Failed"));  // "pod not found" and friends
  BOOST_TEST(to_string(bare.disp) == "retryable");
  BOOST_TEST(bare.retry_limit == 2);
  auto no_container = with_condition("False", "Failed");
  no_container.failure = failure_details{"", "", {"run-pod", ""}};
  BOOST_TEST(interpret_buildrun(no_container).retry_limit == 2);
  BOOST_TEST(interpret_buildrun(no_container).location.has_value());
}

BOOST_AUTO_TEST_CASE(pipelinerun_mode_failed_uses_the_same_rules) {
  auto s = with_condition("False", "PipelineRunFailed");
  s.failure = failure_details{"", "", {"pod", "step-image-processing"}};  // reason and message are not copied there
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "retryable");
  s.failure->location.container = "step-build";
  BOOST_TEST(to_string(interpret_buildrun(s).disp) == "permanent");
  BOOST_TEST(is_executor_failure_reason("PipelineRunFailed"));
  BOOST_TEST(!is_executor_failure_reason("BuildRunTimeout"));
}

BOOST_AUTO_TEST_CASE(the_tables_have_no_duplicates) {
  for (auto table : {condition_reason_table(), git_reason_table(), failed_container_table()}) {
    for (size_t i = 0; i < table.size(); ++i)
      for (size_t j = i + 1; j < table.size(); ++j) BOOST_TEST(table[i].reason != table[j].reason);
  }
  BOOST_TEST(to_string(disposition::canceled) == "canceled");
}

BOOST_AUTO_TEST_SUITE_END()
