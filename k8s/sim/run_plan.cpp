#include "k8s/sim/run_plan.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "k8s/shipwright_outcome.hpp"
#include "k8s/sim/object_meta.hpp"

namespace brokkr::k8s::sim {
namespace {

using json = nlohmann::json;

constexpr std::string_view source_container = "step-source-default";
constexpr std::string_view image_container = "step-image-processing";

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  std::string out;
  char buf[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    out += buf;
  }
  return out;
}

bool is_git_reason(const std::string& r) {
  for (const auto& rule : shipwright::git_reason_table())
    if (rule.reason == r) return true;
  return false;
}

// Severities a vulnerabilityScan.ignore.severity hides: "low" hides low, "medium" low and medium, ...
int severity_rank(const std::string& s) {
  if (s == "low") return 1;
  if (s == "medium") return 2;
  if (s == "high") return 3;
  if (s == "critical") return 4;
  return 0;
}

std::vector<shipwright::vulnerability> reported(const json& scan, const std::vector<shipwright::vulnerability>& all) {
  std::vector<shipwright::vulnerability> out;
  const json ids = scan.contains("ignore") ? scan["ignore"].value("id", json::array()) : json::array();
  const int hidden = scan.contains("ignore") ? severity_rank(scan["ignore"].value("severity", "")) : 0;
  for (const auto& v : all) {
    bool ignored = severity_rank(v.severity) > 0 && severity_rank(v.severity) <= hidden;
    for (const auto& id : ids) ignored = ignored || id == v.id;
    if (!ignored) out.push_back(v);
  }
  return out;
}

// One container per step: the source step for Git/OCI sources, the strategy's steps, image processing.
void lay_out_containers(run_plan& p, const json& strategy) {
  if (p.source_type == "Git" || p.source_type == "OCI") p.containers.emplace_back(source_container);
  if (const json* steps = at_path(strategy, "spec.steps"); steps && steps->is_array())
    for (const auto& s : *steps) p.containers.push_back("step-" + s.value("name", "build"));
  p.build_container = "step-build";  // the strategy's first step
  for (const auto& c : p.containers) {
    if (c == source_container) continue;
    p.build_container = c;
    break;
  }
  if (p.image_processing) p.containers.emplace_back(image_container);
}

void decide_failure(run_plan& p, const scenario& knobs) {
  const std::string r = knobs.reason.empty() ? "Failed" : knobs.reason;
  const std::string knob_container = knobs.failed_step.empty() ? "" : "step-" + knobs.failed_step;
  p.fail = true;
  if (is_git_reason(r)) {
    p.condition_reason = "Failed";
    p.detail_reason = r;
    p.failed_container = source_container;
  } else if (r == "Failed" || r == "StepOutOfMemory") {
    p.condition_reason = r;
    p.failed_container = knob_container.empty() ? p.build_container : knob_container;
  } else if (r == "VulnerabilitiesFound") {
    p.condition_reason = r;
    p.failed_container = image_container;
  } else {
    p.condition_reason = r;  // PodEvicted, BuildRunTimeout, TaskRunIsMissing and Tekton pass-through reasons
  }
}

}  // namespace

std::string image_digest(const std::string& image, int64_t generation) {
  return "sha256:" + sha256_hex(image + "@" + std::to_string(generation));
}

std::string commit_sha(const std::string& url, const std::string& revision) {
  return sha256_hex(url + "#" + revision).substr(0, 40);
}

run_plan make_plan(const plan_inputs& in) {
  run_plan p;
  p.ns = in.ns;
  p.buildrun = in.buildrun;
  p.taskrun = in.taskrun;
  p.pod = in.taskrun + "-pod";
  p.image = string_at(in.spec, "output.image");
  p.source_type = string_at(in.spec, "source.type");
  p.git_url = string_at(in.spec, "source.git.url");
  p.revision = string_at(in.spec, "source.git.revision");
  p.build_generation = in.build_generation;
  p.duration = in.knobs.duration;
  const json scan = in.spec.contains("output") ? in.spec["output"].value("vulnerabilityScan", json::object())
                                               : json::object();
  const bool scanning = scan.value("enabled", false);
  // Shipwright adds the image-processing step for a Shipwright-managed push (the strategy writes the
  // image to shp-output-directory) and for vulnerability scanning.
  const bool managed_push = in.strategy.dump().find("shp-output-directory") != std::string::npos;
  p.image_processing = managed_push || scanning;
  lay_out_containers(p, in.strategy);
  if (scanning) p.vulnerabilities = reported(scan, in.knobs.vulnerabilities);
  p.condition_reason = "Succeeded";
  if (in.fails) decide_failure(p, in.knobs);
  // failOnFinding fails the run only where the image-processing step pushes (section 6).
  if (!p.fail && scanning && scan.value("failOnFinding", false) && managed_push && !p.vulnerabilities.empty()) {
    p.fail = true;
    p.condition_reason = "VulnerabilitiesFound";
    p.failed_container = image_container;
  }
  const std::string timeout = string_at(in.spec, "timeout");
  if (const auto t = parse_duration(timeout); t && *t < p.duration) {
    p.fail = true;
    p.duration = *t;
    p.timeout_text = timeout;
    p.condition_reason = "BuildRunTimeout";
    p.detail_reason.clear();
    p.failed_container.clear();
  }
  return p;
}

}  // namespace brokkr::k8s::sim
