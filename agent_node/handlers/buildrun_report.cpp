#include "agent_node/handlers/buildrun_report.hpp"

#include <nlohmann/json.hpp>

#include "common/json_limits.hpp"
#include "common/time.hpp"

namespace brokkr::agent {

using k8s::shipwright::disposition;
using nlohmann::json;

work_outcome outcome_of(disposition d, int retry_limit, int retry_count) {
  switch (d) {
    case disposition::succeeded: return work_outcome::completed;
    case disposition::canceled: return work_outcome::canceled;
    case disposition::permanent: return work_outcome::failed_permanent;
    case disposition::retryable:
    case disposition::running: break;
  }
  // Causes with a small budget of their own (section 7) end permanent once it is spent, even
  // if the item's max_retries would allow more.
  if (retry_limit >= 0 && retry_count >= retry_limit) return work_outcome::failed_permanent;
  return work_outcome::failed_retryable;
}

std::string pinned_image(const std::string& image, const std::string& digest) {
  if (image.empty() || digest.empty()) return {};
  // A reference already pinned keeps its own digest rather than getting a second one.
  return image.find('@') == std::string::npos ? image + "@" + digest : image;
}

completion_report build_completion(const build_report_input& in) {
  const auto& s = in.status;
  const auto& o = in.outcome;
  json d = {{"namespace", in.namespace_name}, {"build", in.build_name}, {"buildrun", in.buildrun_name}};
  if (!s.output_digest.empty()) d["digest"] = s.output_digest;
  if (!in.output_image.empty()) d["image"] = in.output_image;
  const auto pinned = pinned_image(in.output_image, s.output_digest);
  if (!pinned.empty()) d["image_ref"] = pinned;
  if (s.output_size) d["size"] = *s.output_size;
  if (!s.commit_sha.empty()) d["commit_sha"] = s.commit_sha;
  if (!s.commit_author.empty()) d["commit_author"] = s.commit_author;
  if (!s.branch_name.empty()) d["branch"] = s.branch_name;
  if (!s.vulnerabilities.empty()) {
    json v = json::array();
    for (const auto& x : s.vulnerabilities) v.push_back({{"id", x.id}, {"severity", x.severity}});
    d["vulnerabilities"] = v;
  }
  if (s.start_time) d["start_time"] = format_rfc3339(*s.start_time);
  if (s.completion_time) d["completion_time"] = format_rfc3339(*s.completion_time);
  if (!o.condition_reason.empty()) d["condition_reason"] = o.condition_reason;
  if (o.disp != disposition::succeeded && (!o.reason.empty() || o.location)) {
    json f = {{"reason", o.reason}, {"message", o.message}};
    if (o.location) f["location"] = {{"pod", o.location->pod}, {"container", o.location->container}};
    d["failure"] = f;
  }
  if (!in.log_tail.empty()) {
    d["log_container"] = in.log_container;
    d["log_tail"] = in.log_tail;
  }

  completion_report m;
  m.attempt = in.attempt;
  m.outcome = outcome_of(o.disp, o.retry_limit, in.retry_count);
  if (m.outcome == work_outcome::completed) {
    m.result_message = "built " + (!pinned.empty()                ? pinned
                                   : s.output_digest.empty() ? std::string("the image")
                                                             : s.output_digest) +
                       (s.commit_sha.empty() ? "" : " from commit " + s.commit_sha);
  } else {
    m.failure_reason = o.reason.empty() ? o.condition_reason : o.reason;
    m.result_message = o.message;
    if (o.disp == disposition::retryable && m.outcome == work_outcome::failed_permanent)
      m.result_message += " (retry budget of " + std::to_string(o.retry_limit) + " for this cause is spent)";
  }
  // Log tails are whatever the build printed: invalid UTF-8 becomes U+FFFD, not an exception.
  m.result_details = json_limits::dump(d);
  return m;
}

}  // namespace brokkr::agent
