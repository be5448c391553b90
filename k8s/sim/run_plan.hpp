#pragma once
// How one simulated BuildRun will go, decided when its TaskRun is created, and the status, pod state
// and step logs that follow from it. Pure functions: the controller supplies the inputs and the time.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "k8s/shipwright_status.hpp"
#include "k8s/sim/scenario.hpp"

namespace brokkr::k8s::sim {

struct run_plan {
  std::string ns;
  std::string buildrun;
  std::string taskrun;
  std::string pod;
  std::vector<std::string> containers;  // step-source-default?, step-<strategy steps>, step-image-processing?
  std::string build_container;          // the strategy's first step
  bool image_processing = false;        // a Shipwright-managed push (the strategy writes to shp-output-directory)
  // outcome
  bool fail = false;
  std::string condition_reason;         // Succeeded, Failed, StepOutOfMemory, VulnerabilitiesFound, a pass-through ...
  std::string detail_reason;            // failureDetails.reason (git reasons only)
  std::string failed_container;         // "" when no container failed
  std::chrono::milliseconds duration{1000};  // until the terminal state (the timeout when that is shorter)
  std::string timeout_text;             // "15m", for the BuildRunTimeout message
  // inputs to outputs
  std::vector<shipwright::vulnerability> vulnerabilities;  // reported, after the ignore rules
  std::string image;
  std::string source_type;              // Git, OCI, Local or ""
  std::string git_url;
  std::string revision;
  int64_t build_generation = 1;
};

struct plan_inputs {
  std::string ns, buildrun, taskrun;
  nlohmann::json spec;       // the effective Build spec (Build spec with the BuildRun's overrides)
  nlohmann::json strategy;   // the (Cluster)BuildStrategy object
  scenario knobs;
  bool fails = false;        // knobs.run_fails(run index, attempt, cluster name)
  int64_t build_generation = 1;
};

run_plan make_plan(const plan_inputs& in);

// status fields of the terminal state: conditions, completionTime, output, source, failureDetails.
nlohmann::json terminal_status(const run_plan& p, sys_time now);
// The pod's status once the run ended (phase, containerStatuses).
nlohmann::json terminal_pod_status(const run_plan& p, sys_time now);
// Each container's log, complete, as of the end of the run; containers that never started are absent.
std::map<std::string, std::string> step_logs(const run_plan& p);
// "sha256:<64 hex>" for the image and build generation; stable across runs.
std::string image_digest(const std::string& image, int64_t generation);
// 40 hex characters for a repository and revision, like a git commit id.
std::string commit_sha(const std::string& url, const std::string& revision);

}  // namespace brokkr::k8s::sim

namespace brokkr::k8s::sim {
// failureDetails.message of a git reason, as Shipwright's git step words it (paraphrased).
std::string git_message(const std::string& reason, const std::string& url);
}  // namespace brokkr::k8s::sim
