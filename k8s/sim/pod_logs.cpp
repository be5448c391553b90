#include "k8s/sim/pod_logs.hpp"

namespace brokkr::k8s::sim {

void pod_logs::append(const std::string& ns, const std::string& pod, const std::string& container,
                      const std::string& text) {
  std::lock_guard lock(mu_);
  logs_[ns + "/" + pod][container] += text;
}

void pod_logs::erase_pod(const std::string& ns, const std::string& pod) {
  std::lock_guard lock(mu_);
  logs_.erase(ns + "/" + pod);
}

std::optional<std::string> pod_logs::get(const std::string& ns, const std::string& pod,
                                         const std::string& container) const {
  std::lock_guard lock(mu_);
  const auto p = logs_.find(ns + "/" + pod);
  if (p == logs_.end()) return std::nullopt;
  const auto c = p->second.find(container);
  if (c == p->second.end()) return std::nullopt;
  return c->second;
}

std::string tail_log(const std::string& log, std::optional<int64_t> tail_lines, std::optional<int64_t> limit_bytes) {
  size_t start = 0;
  if (tail_lines && *tail_lines >= 0) {
    // Count lines back from the end; a trailing newline ends the last line, it does not start one.
    int64_t seen = 0;
    size_t pos = log.size();
    if (pos > 0 && log[pos - 1] == '\n') --pos;
    while (pos > 0) {
      if (log[pos - 1] == '\n' && ++seen == *tail_lines) break;
      --pos;
    }
    start = *tail_lines == 0 ? log.size() : pos;
  }
  std::string out = log.substr(start);
  if (limit_bytes && *limit_bytes >= 0 && out.size() > static_cast<size_t>(*limit_bytes))
    out.resize(static_cast<size_t>(*limit_bytes));
  return out;
}

}  // namespace brokkr::k8s::sim
