#pragma once
// What a BuildRun's status means for the work item: reference/shipwright.md section 7 as tables.
// interpret_buildrun is pure; the agent's BuildRun watcher calls it on every observed status.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "k8s/shipwright_status.hpp"

namespace brokkr::k8s::shipwright {

enum class disposition {
  running,    // not done yet (no condition, or status Unknown)
  succeeded,  // COMPLETED
  retryable,  // FAILED_RETRYABLE
  permanent,  // FAILED_PERMANENT
  canceled,   // CANCELED (we asked for it)
};
std::string_view to_string(disposition d);

// One row of a decision table. retry_limit < 0: the work item's own max_retries applies; otherwise at
// most this many retries for this cause (the "small budget" of section 7).
struct reason_rule {
  std::string_view reason;
  disposition disp;
  int retry_limit = -1;
};

struct buildrun_outcome {
  disposition disp = disposition::running;
  std::string reason;            // most specific: failureDetails.reason when set, else the condition reason
  std::string condition_reason;  // the Succeeded condition's reason as written
  std::string message;           // failureDetails.message when set, else the condition message
  std::optional<failure_location> location;
  int retry_limit = -1;
  std::string_view rule;         // which table decided, for logs: "condition", "git", "container", ...
};

buildrun_outcome interpret_buildrun(const buildrun_status& status);

// The tables themselves (for documentation, tests and the simulated cluster).
std::span<const reason_rule> condition_reason_table();
std::span<const reason_rule> git_reason_table();
std::span<const reason_rule> failed_container_table();
// Condition reasons that mean "the executor failed: look at failureDetails" (TaskRun and PipelineRun mode).
bool is_executor_failure_reason(std::string_view reason);

}  // namespace brokkr::k8s::shipwright
