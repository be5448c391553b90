#include "agent_node/handlers/api_failure.hpp"

namespace brokkr::agent {

api_failure classify_api_failure(const k8s::api_status& st, const std::string& doing) {
  const std::string what = doing + ": " + (st.message.empty() ? st.reason : st.message);
  if (st.origin == k8s::error_origin::agent) return {work_outcome::failed_retryable, "AgentError", what};
  if (st.origin == k8s::error_origin::transport) return {work_outcome::failed_retryable, "KubernetesUnreachable", what};
  if (st.origin == k8s::error_origin::client) return {work_outcome::failed_permanent, "InvalidObject", what};
  if (st.code == 429 || st.code >= 500) return {work_outcome::failed_retryable, "KubernetesUnavailable", what};
  // 409 Conflict after our retries: someone keeps changing the object; another run may fare better.
  if (st.code == 409) return {work_outcome::failed_retryable, st.reason.empty() ? "Conflict" : st.reason, what};
  // 401/403 (RBAC), 404 (namespace missing), 400/422 (the manifest): the same spec fails again.
  return {work_outcome::failed_permanent, st.reason.empty() ? "KubernetesRejected" : st.reason, what};
}

}  // namespace brokkr::agent
