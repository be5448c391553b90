#pragma once
// Which log the report carries and fetching its tail: on failure the failed step's container
// (failureDetails.location), on success a short tail of the build step.
#include <string>

#include "k8s/client.hpp"
#include "k8s/shipwright_outcome.hpp"
#include "k8s/shipwright_status.hpp"

namespace brokkr::agent {

struct log_request {
  std::string pod;        // empty: no log to fetch
  std::string container;  // empty: choose the build step from the pod's containers
  int64_t tail_lines = 0;
  int64_t limit_bytes = 0;
};

struct log_tail {
  std::string container;
  std::string text;
};

log_request log_request_for(const k8s::shipwright::buildrun_status& status, const k8s::shipwright::buildrun_outcome& outcome,
                            int failure_lines, int failure_bytes, int success_lines);

// The container of a TaskRun pod that runs the strategy's build (step-build, step-build-and-push, ...).
std::string build_step_container(const nlohmann::json& pod);

// Fetches the tail; a missing pod or log gives an empty tail, not an error (the report matters more).
expected<log_tail, k8s::api_status> fetch_log_tail(k8s::client& c, const std::string& ns, const log_request& req);

}  // namespace brokkr::agent
