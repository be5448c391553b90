#pragma once
// The simulated containers' logs, served at /api/v1/namespaces/{ns}/pods/{pod}/log. The Shipwright
// controller writes them as its simulated steps run.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace brokkr::k8s::sim {

// What a follower (GET .../log?follow=true) is handed: new text, or the end (ended = true, text
// empty) once the container terminated or its pod is gone. Called outside the lock, on the thread
// that appended.
using log_sink = std::function<void(const std::string& text, bool ended)>;

class pod_logs {
 public:
  // A container's log so far; the container counts as started from the first call.
  void append(const std::string& ns, const std::string& pod, const std::string& container, const std::string& text);
  // The container terminated: its followers end, later followers get the text and the end at once.
  void finish(const std::string& ns, const std::string& pod, const std::string& container);
  void erase_pod(const std::string& ns, const std::string& pod);
  // nullopt while the container has not started.
  std::optional<std::string> get(const std::string& ns, const std::string& pod, const std::string& container) const;

  // The text so far and, atomically with it, a subscription to what is appended after it. `id` is
  // 0 (nobody subscribed) when the container has not started (text nullopt) or already finished.
  struct follow_start {
    std::optional<std::string> text;
    bool finished = false;
    uint64_t id = 0;
  };
  follow_start follow(const std::string& ns, const std::string& pod, const std::string& container, log_sink sink);
  void unfollow(uint64_t id);

 private:
  struct follower {
    std::string key;  // "ns/pod"
    std::string container;
    log_sink sink;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> logs_;  // "ns/pod" -> container -> text
  std::map<std::string, std::map<std::string, bool>> finished_;      // "ns/pod" -> container -> terminated
  std::map<uint64_t, follower> followers_;
  uint64_t next_id_ = 1;
};

// The last `tail_lines` lines, then at most `limit_bytes` bytes of those (kubectl logs --tail / --limit-bytes).
std::string tail_log(const std::string& log, std::optional<int64_t> tail_lines, std::optional<int64_t> limit_bytes);

}  // namespace brokkr::k8s::sim
