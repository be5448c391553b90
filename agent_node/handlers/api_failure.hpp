#pragma once
// What a failed Kubernetes call means for the work item (reference/shipwright.md section 7, "API
// errors seen by the agent"), decided from the Status code and reason, never from its message.
#include <string>

#include "actors/work_status.hpp"
#include "k8s/api_status.hpp"

namespace brokkr::agent {

struct api_failure {
  work_outcome outcome = work_outcome::failed_retryable;
  std::string reason;   // "KubernetesUnavailable", "Forbidden", "Invalid", ...
  std::string message;
};

// The client already retried 429/5xx and transport failures; what reaches this is final.
api_failure classify_api_failure(const k8s::api_status& st, const std::string& doing);

}  // namespace brokkr::agent
