// run_plan: the terminal status, pod state and step logs that follow from a plan.
#include "k8s/sim/run_plan.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

std::string logs_hint(const run_plan& p, const std::string& container) {
  return "kubectl --namespace " + p.ns + " logs " + p.pod + " --container=" + container;
}

std::string condition_message(const run_plan& p) {
  const std::string& r = p.condition_reason;
  if (!p.fail) return "All Steps have completed executing";
  if (r == "Failed")
    return "buildrun step " + p.failed_container + " failed, for detailed information: " + logs_hint(p, p.failed_container);
  if (r == "StepOutOfMemory")
    return "buildrun step " + p.failed_container + " failed due to out-of-memory, for detailed information: " +
           logs_hint(p, p.failed_container);
  if (r == "VulnerabilitiesFound")
    return "Vulnerabilities have been found in the image which can be seen in the buildrun status. For detailed "
           "information,see " + logs_hint(p, p.failed_container);
  if (r == "BuildRunTimeout") return "BuildRun " + p.buildrun + " failed to finish within " + p.timeout_text;
  if (r == "PodEvicted") return "The node was low on resource: memory. ";
  if (r == "TaskRunIsMissing") return "taskRun " + p.taskrun + " doesn't exist";
  return "the TaskRun failed with reason " + r + " (simulated by brokkr-sim-cluster)";
}

// The last line a failing step prints: it names the reason so `kubectl logs` explains the failure.
std::string error_line(const run_plan& p) {
  const std::string& r = p.condition_reason;
  if (!p.detail_reason.empty()) return "error: " + p.detail_reason + ": " + git_message(p.detail_reason, p.git_url) + "\n";
  if (r == "StepOutOfMemory") return "error: StepOutOfMemory: the step was OOMKilled (exit code 137)\n";
  if (r == "VulnerabilitiesFound") {
    std::string ids;
    for (const auto& v : p.vulnerabilities) ids += (ids.empty() ? "" : ", ") + v.id + " (" + v.severity + ")";
    return "error: VulnerabilitiesFound: vulnerabilities found in " + p.image + ": " + ids + "\n";
  }
  if (p.failed_container == "step-image-processing")
    return "error: Failed: failed to push " + p.image + ": unexpected status code 503 Service Unavailable\n";
  if (r == "Failed") return "error: Failed: building at STEP \"RUN make\": while running runtime: exit status 2\n";
  return "error: " + r + ": " + condition_message(p) + "\n";
}

std::string success_log(const run_plan& p, const std::string& container) {
  if (container == "step-source-default")
    return "Cloning \"" + p.git_url + "\" into \"/workspace/source\"\nSuccessfully loaded " + p.git_url + " (" +
           commit_sha(p.git_url, p.revision).substr(0, 7) + ") into \"/workspace/source\"\n";
  if (container == "step-image-processing")
    return "Pushing image " + p.image + "\nImage " + p.image + "@" + image_digest(p.image, p.build_generation) +
           " pushed\n";
  return "STEP 1/3: FROM registry.access.redhat.com/ubi9/ubi-minimal\nSTEP 2/3: RUN make\nSTEP 3/3: CMD [\"/app\"]\n"
         "COMMIT " + p.image + "\nSuccessfully built the image\n";
}

int exit_code_of(const run_plan& p) {
  if (p.condition_reason == "StepOutOfMemory") return 137;
  if (p.condition_reason == "VulnerabilitiesFound") return 22;
  return 1;
}

json git_source(const run_plan& p, sys_time now) {
  if (p.source_type == "OCI") return {{"ociArtifact", {{"digest", image_digest(p.git_url, 0)}}}, {"timestamp", format_rfc3339(now)}};
  json git = {{"commitSha", commit_sha(p.git_url, p.revision)}, {"commitAuthor", "Brokkr Sim"}};
  if (p.revision.empty()) git["branchName"] = "main";
  return {{"git", git}, {"timestamp", format_rfc3339(now)}};
}

}  // namespace

std::string git_message(const std::string& reason, const std::string& url) {
  if (reason == "GitAuthInvalidUserOrPass") return "Basic authentication has failed. Check your username and password.";
  if (reason == "GitAuthInvalidKey") return "The key is invalid for the specified target. Check the repository and the key.";
  if (reason == "GitRevisionNotFound") return "The remote revision does not exist. Check your revision argument.";
  if (reason == "GitRemoteRepositoryNotFound" || reason == "GitRemoteRepositoryPrivate" || reason == "GitRemotePrivate")
    return "The source repository does not exist, or you have insufficient permission to access it.";
  if (reason == "GitBasicAuthIncomplete") return "Basic Auth incomplete: Both username and password need to be configured.";
  if (reason == "GitSSHAuthUnexpected") return "Credential/URL inconsistency: SSH credentials provided, but URL is not a SSH Git URL.";
  if (reason == "GitSSHAuthExpected") return "Credential/URL inconsistency: No SSH credentials provided, but URL is a SSH Git URL.";
  if (reason == "AuthUnexpectedHTTP") return "Basic authentication over plain HTTP is not allowed, use HTTPS.";
  return "fatal: unable to access '" + url + "': Could not resolve host";
}

json terminal_status(const run_plan& p, sys_time now) {
  const std::string t = format_rfc3339(now);
  json st = {{"completionTime", t},
             {"conditions", json::array({{{"type", "Succeeded"}, {"status", p.fail ? "False" : "True"},
                                          {"reason", p.condition_reason}, {"message", condition_message(p)},
                                          {"lastTransitionTime", t}}})}};
  const bool source_ran = p.failed_container != "step-source-default" &&
                          (p.source_type == "Git" || p.source_type == "OCI");
  if (source_ran && (!p.fail || !p.failed_container.empty())) st["source"] = git_source(p, now);
  json output = json::object();
  if (!p.fail) {
    const std::string digest = image_digest(p.image, p.build_generation);
    output["digest"] = digest;
    output["size"] = 10'000'000 + static_cast<int64_t>(std::stoul(digest.substr(7, 6), nullptr, 16)) * 10;
  }
  if (!p.vulnerabilities.empty()) {
    output["vulnerabilities"] = json::array();
    for (const auto& v : p.vulnerabilities) output["vulnerabilities"].push_back({{"id", v.id}, {"severity", v.severity}});
  }
  if (!output.empty()) st["output"] = output;
  if (!p.failed_container.empty()) {
    json fd = {{"location", {{"pod", p.pod}, {"container", p.failed_container}}}};
    if (!p.detail_reason.empty()) {
      fd["reason"] = p.detail_reason;
      fd["message"] = git_message(p.detail_reason, p.git_url);
    }
    st["failureDetails"] = fd;
  } else if (p.condition_reason == "PodEvicted") {
    st["failureDetails"] = {{"location", {{"pod", p.pod}}}};
  }
  return st;
}

json terminal_pod_status(const run_plan& p, sys_time now) {
  json statuses = json::array();
  bool failed_seen = false;
  for (const auto& c : p.containers) {
    json state;
    if (failed_seen || (p.fail && p.failed_container.empty())) {
      state = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}, {"finishedAt", format_rfc3339(now)}}}};
    } else if (c == p.failed_container) {
      failed_seen = true;
      state = {{"terminated", {{"exitCode", exit_code_of(p)},
                               {"reason", p.condition_reason == "StepOutOfMemory" ? "OOMKilled" : "Error"},
                               {"finishedAt", format_rfc3339(now)}}}};
    } else {
      state = {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}, {"finishedAt", format_rfc3339(now)}}}};
    }
    statuses.push_back({{"name", c}, {"ready", false}, {"state", state}});
  }
  json st = {{"phase", p.fail ? "Failed" : "Succeeded"}, {"containerStatuses", statuses}};
  if (p.condition_reason == "PodEvicted") st["reason"] = "Evicted";
  return st;
}

std::map<std::string, std::string> step_logs(const run_plan& p) {
  std::map<std::string, std::string> out;
  // A failure without a failed container (timeout, eviction, ...) interrupts the build step.
  const std::string stopped = p.failed_container.empty() && p.fail ? p.build_container : p.failed_container;
  for (const auto& c : p.containers) {
    if (c == stopped) {
      out[c] = (c == "step-source-default" ? "Cloning \"" + p.git_url + "\" into \"/workspace/source\"\n"
                                             : std::string("Starting ") + c + "\n") + error_line(p);
      break;  // later steps never start
    }
    out[c] = success_log(p, c);
  }
  return out;
}

}  // namespace brokkr::k8s::sim
