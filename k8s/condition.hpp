#pragma once
// "Wait until object X has condition {type, status}": the completion check of the kubernetes-apply
// work type, for any object with status.conditions (a batch/v1 Job's Complete/Failed, a Deployment's
// Available, a BuildRun's Succeeded ...).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace brokkr::k8s {

struct condition_match {
  std::string type;
  std::string status = "True";
};

struct completion_condition {
  condition_match success;               // e.g. {Complete, True}
  std::vector<condition_match> failure;  // any of these ends the wait as failed, e.g. {Failed, True}
};

enum class condition_state { pending, met, failed };

struct condition_result {
  condition_state state = condition_state::pending;
  std::string type;     // the condition that decided (empty while pending)
  std::string reason;
  std::string message;
};

// Failure conditions are checked first (a Job can briefly carry both). An object whose
// status.observedGeneration is behind metadata.generation is pending: its conditions describe an older spec.
condition_result evaluate_condition(const nlohmann::json& object, const completion_condition& wanted);

// batch/v1 Job: {Complete, True} succeeds, {Failed, True} fails.
completion_condition job_completion();

}  // namespace brokkr::k8s
