#pragma once
// A BuildRun's status (reference/shipwright.md section 4) read into plain types.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "common/time.hpp"

namespace brokkr::k8s::shipwright {

struct condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  std::optional<sys_time> last_transition;
};

struct vulnerability {
  std::string id;
  std::string severity;  // critical, high, medium, low, unknown
};

struct failure_location {
  std::string pod;
  std::string container;
};

struct failure_details {
  std::string reason;   // shp-error-reason (the git step's GitRevisionNotFound, ...); often empty
  std::string message;
  failure_location location;
};

struct buildrun_status {
  std::string name;
  std::optional<condition> succeeded;  // the Succeeded condition, once the controller wrote one
  bool cancel_requested = false;       // spec.state == BuildRunCanceled: we asked for the cancel
  // status.output
  std::string output_digest;
  std::optional<int64_t> output_size;
  std::vector<vulnerability> vulnerabilities;
  // status.source
  std::string commit_sha;
  std::string commit_author;
  std::string branch_name;
  std::string source_oci_digest;
  std::optional<sys_time> source_timestamp;
  std::optional<failure_details> failure;
  std::optional<sys_time> start_time;
  std::optional<sys_time> completion_time;
  std::string executor_name;  // status.executor.name, else the deprecated status.taskRunName
  std::string executor_kind;  // TaskRun or PipelineRun
};

// Reads a whole BuildRun object. The error names the field whose type is wrong.
expected<buildrun_status, std::string> read_buildrun_status(const nlohmann::json& buildrun);

// Done means the Succeeded condition's status is no longer Unknown (Shipwright's IsDone()).
bool is_done(const buildrun_status& s);

}  // namespace brokkr::k8s::shipwright
