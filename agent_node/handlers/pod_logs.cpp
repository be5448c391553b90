#include "agent_node/handlers/pod_logs.hpp"

namespace brokkr::agent {

namespace sw = k8s::shipwright;

log_request log_request_for(const sw::buildrun_status& status, const sw::buildrun_outcome& outcome, int failure_lines,
                            int failure_bytes, int success_lines) {
  log_request r;
  if (outcome.disp == sw::disposition::succeeded) {
    if (status.executor_name.empty() || success_lines <= 0) return r;
    r.pod = status.executor_name + "-pod";  // Tekton names a TaskRun's pod <taskrun>-pod
    r.tail_lines = success_lines;
    r.limit_bytes = failure_bytes;
    return r;
  }
  if (!outcome.location || outcome.location->pod.empty() || failure_lines <= 0) return r;
  r.pod = outcome.location->pod;
  r.container = outcome.location->container;
  r.tail_lines = failure_lines;
  r.limit_bytes = failure_bytes;
  return r;
}

std::string build_step_container(const nlohmann::json& pod) {
  std::string found, last;
  for (const auto& c : pod["spec"].value("containers", nlohmann::json::array())) {
    const auto name = c.value("name", "");
    last = name;
    if (name == "step-build" || name == "step-build-and-push") return name;
    if (found.empty() && name.find("build") != std::string::npos) found = name;
  }
  return found.empty() ? last : found;
}

expected<log_tail, k8s::api_status> fetch_log_tail(k8s::client& c, const std::string& ns, const log_request& req) {
  log_tail out;
  if (req.pod.empty()) return out;
  out.container = req.container;
  if (out.container.empty()) {
    auto pod = c.get(k8s::resources::pods, ns, req.pod);
    if (!pod) return out;
    out.container = build_step_container(*pod);
  }
  k8s::log_options opts;
  opts.container = out.container;
  opts.tail_lines = req.tail_lines;
  opts.limit_bytes = req.limit_bytes;
  auto text = c.logs(ns, req.pod, opts);
  if (text) out.text = std::move(*text);
  return out;
}

}  // namespace brokkr::agent
