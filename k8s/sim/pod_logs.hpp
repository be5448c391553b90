#pragma once
// The simulated containers' logs, served at /api/v1/namespaces/{ns}/pods/{pod}/log. The Shipwright
// controller writes them as its simulated steps run.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace brokkr::k8s::sim {

class pod_logs {
 public:
  // A container's log so far; the container counts as started from the first call.
  void append(const std::string& ns, const std::string& pod, const std::string& container, const std::string& text);
  void erase_pod(const std::string& ns, const std::string& pod);
  // nullopt while the container has not started.
  std::optional<std::string> get(const std::string& ns, const std::string& pod, const std::string& container) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> logs_;  // "ns/pod" -> container -> text
};

// The last `tail_lines` lines, then at most `limit_bytes` bytes of those (kubectl logs --tail / --limit-bytes).
std::string tail_log(const std::string& log, std::optional<int64_t> tail_lines, std::optional<int64_t> limit_bytes);

}  // namespace brokkr::k8s::sim
