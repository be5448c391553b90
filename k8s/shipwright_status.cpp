#include "k8s/shipwright_status.hpp"

namespace brokkr::k8s::shipwright {
namespace {

using json = nlohmann::json;

// Field reads that tolerate absence and explicit nulls but report a wrong type by its path.
struct reader {
  std::string error;

  const json* object(const json& parent, const char* key, const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return nullptr;
    if (!it->is_object()) return fail(path + " must be an object");
    return &*it;
  }
  std::string text(const json& parent, const char* key, const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return {};
    if (!it->is_string()) return fail(path + " must be a string"), std::string();
    return it->get<std::string>();
  }
  std::optional<sys_time> time(const json& parent, const char* key, const std::string& path) {
    const auto t = text(parent, key, path);
    if (t.empty()) return std::nullopt;
    auto parsed = parse_rfc3339(t);
    if (!parsed) fail(path + " is not an RFC 3339 time: '" + t + "'");
    return parsed;
  }
  std::nullptr_t fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return nullptr;
  }
};

void read_conditions(reader& r, const json& status, buildrun_status& out) {
  const auto it = status.find("conditions");
  if (it == status.end() || it->is_null()) return;
  if (!it->is_array()) return (void)r.fail("status.conditions must be a list");
  for (const auto& c : *it) {
    if (!c.is_object() || c.value("type", "") != "Succeeded") continue;
    const std::string path = "status.conditions[Succeeded]";
    out.succeeded = condition{"Succeeded", r.text(c, "status", path + ".status"), r.text(c, "reason", path + ".reason"),
                              r.text(c, "message", path + ".message"),
                              r.time(c, "lastTransitionTime", path + ".lastTransitionTime")};
  }
}

void read_output(reader& r, const json& status, buildrun_status& out) {
  const json* output = r.object(status, "output", "status.output");
  if (!output) return;
  out.output_digest = r.text(*output, "digest", "status.output.digest");
  if (const auto size = output->find("size"); size != output->end() && !size->is_null()) {
    if (size->is_number_integer()) out.output_size = size->get<int64_t>();
    else r.fail("status.output.size must be an integer");
  }
  if (const auto v = output->find("vulnerabilities"); v != output->end() && v->is_array()) {
    for (const auto& item : *v)
      if (item.is_object()) out.vulnerabilities.push_back({item.value("id", ""), item.value("severity", "")});
  }
}

void read_source(reader& r, const json& status, buildrun_status& out) {
  const json* source = r.object(status, "source", "status.source");
  if (!source) return;
  if (const json* git = r.object(*source, "git", "status.source.git")) {
    out.commit_sha = r.text(*git, "commitSha", "status.source.git.commitSha");
    out.commit_author = r.text(*git, "commitAuthor", "status.source.git.commitAuthor");
    out.branch_name = r.text(*git, "branchName", "status.source.git.branchName");
  }
  if (const json* oci = r.object(*source, "ociArtifact", "status.source.ociArtifact"))
    out.source_oci_digest = r.text(*oci, "digest", "status.source.ociArtifact.digest");
  out.source_timestamp = r.time(*source, "timestamp", "status.source.timestamp");
}

void read_failure(reader& r, const json& status, buildrun_status& out) {
  const json* fd = r.object(status, "failureDetails", "status.failureDetails");
  if (!fd) return;
  failure_details f;
  f.reason = r.text(*fd, "reason", "status.failureDetails.reason");
  f.message = r.text(*fd, "message", "status.failureDetails.message");
  if (const json* loc = r.object(*fd, "location", "status.failureDetails.location")) {
    f.location.pod = r.text(*loc, "pod", "status.failureDetails.location.pod");
    f.location.container = r.text(*loc, "container", "status.failureDetails.location.container");
  }
  out.failure = std::move(f);
}

}  // namespace

expected<buildrun_status, std::string> read_buildrun_status(const json& buildrun) {
  if (!buildrun.is_object()) return unexpected(std::string("a BuildRun must be an object"));
  reader r;
  buildrun_status out;
  if (const json* meta = r.object(buildrun, "metadata", "metadata")) out.name = r.text(*meta, "name", "metadata.name");
  if (const json* spec = r.object(buildrun, "spec", "spec"))
    out.cancel_requested = r.text(*spec, "state", "spec.state") == "BuildRunCanceled";
  if (const json* status = r.object(buildrun, "status", "status")) {
    read_conditions(r, *status, out);
    read_output(r, *status, out);
    read_source(r, *status, out);
    read_failure(r, *status, out);
    out.start_time = r.time(*status, "startTime", "status.startTime");
    out.completion_time = r.time(*status, "completionTime", "status.completionTime");
    if (const json* ex = r.object(*status, "executor", "status.executor")) {
      out.executor_name = r.text(*ex, "name", "status.executor.name");
      out.executor_kind = r.text(*ex, "kind", "status.executor.kind");
    }
    if (out.executor_name.empty()) {
      out.executor_name = r.text(*status, "taskRunName", "status.taskRunName");
      if (!out.executor_name.empty()) out.executor_kind = "TaskRun";
    }
  }
  if (!r.error.empty()) return unexpected(std::move(r.error));
  return out;
}

bool is_done(const buildrun_status& s) { return s.succeeded && !s.succeeded->status.empty() && s.succeeded->status != "Unknown"; }

}  // namespace brokkr::k8s::shipwright
