#include "k8s/sim/pod_logs.hpp"

#include <vector>

namespace brokkr::k8s::sim {

void pod_logs::append(const std::string& ns, const std::string& pod, const std::string& container,
                      const std::string& text) {
  std::vector<log_sink> sinks;
  {
    std::lock_guard lock(mu_);
    const auto key = ns + "/" + pod;
    logs_[key][container] += text;
    for (const auto& [id, f] : followers_)
      if (f.key == key && f.container == container) sinks.push_back(f.sink);
  }
  if (text.empty()) return;
  for (const auto& s : sinks) s(text, false);
}

void pod_logs::finish(const std::string& ns, const std::string& pod, const std::string& container) {
  std::vector<log_sink> sinks;
  {
    std::lock_guard lock(mu_);
    const auto key = ns + "/" + pod;
    finished_[key][container] = true;
    logs_[key][container];  // a container that printed nothing still started
    for (auto it = followers_.begin(); it != followers_.end();) {
      if (it->second.key == key && it->second.container == container) {
        sinks.push_back(std::move(it->second.sink));
        it = followers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : sinks) s(std::string(), true);
}

void pod_logs::erase_pod(const std::string& ns, const std::string& pod) {
  std::vector<log_sink> sinks;
  {
    std::lock_guard lock(mu_);
    const auto key = ns + "/" + pod;
    logs_.erase(key);
    finished_.erase(key);
    for (auto it = followers_.begin(); it != followers_.end();) {
      if (it->second.key == key) {
        sinks.push_back(std::move(it->second.sink));
        it = followers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : sinks) s(std::string(), true);
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

pod_logs::follow_start pod_logs::follow(const std::string& ns, const std::string& pod, const std::string& container,
                                        log_sink sink) {
  std::lock_guard lock(mu_);
  const auto key = ns + "/" + pod;
  follow_start out;
  const auto p = logs_.find(key);
  if (p == logs_.end() || !p->second.count(container)) return out;
  out.text = p->second.at(container);
  const auto f = finished_.find(key);
  out.finished = f != finished_.end() && f->second.count(container) && f->second.at(container);
  if (out.finished) return out;
  out.id = next_id_++;
  followers_[out.id] = {key, container, std::move(sink)};
  return out;
}

void pod_logs::unfollow(uint64_t id) {
  std::lock_guard lock(mu_);
  followers_.erase(id);
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
