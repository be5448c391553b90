#pragma once
// Faults on demand for tests (POST /sim/v1/faults, docs/sim-cluster.md): the next N matching requests
// fail with an HTTP error (429 with Retry-After, 5xx, ...), or a watch request is answered 410 Expired,
// either as the HTTP status or as an in-stream ERROR event.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"

namespace brokkr::k8s::sim {

enum class fault_type {
  http_error,        // answer `code` with a Status body (and Retry-After when given)
  watch_gone_http,   // a watch request gets HTTP 410 Expired
  watch_gone_event,  // a watch request gets 200, one ERROR event (410 Expired), then the end of the stream
};

struct fault {
  uint64_t id = 0;
  fault_type type = fault_type::http_error;
  int code = 503;
  std::string reason;              // Status reason; default from the code
  std::string message = "injected fault";
  int times = 1;                   // matching requests to fail; -1 until cleared
  std::string method;              // "" = any
  std::string path_prefix;         // "" = any
  std::optional<bool> watch;       // only watch requests (true) or only others (false)
  int retry_after_seconds = 0;     // Retry-After header and details.retryAfterSeconds
};

// Reads a fault from its JSON form; the error names the field.
expected<fault, std::string> parse_fault(const nlohmann::json& body);
nlohmann::json to_json(const fault& f);

class fault_injector {
 public:
  uint64_t add(fault f);
  // The fault this request triggers, if any (its count goes down by one).
  std::optional<fault> take(const std::string& method, const std::string& path, bool is_watch);
  void clear();
  nlohmann::json list() const;

 private:
  mutable std::mutex mu_;
  std::vector<fault> faults_;
  uint64_t next_id_ = 1;
};

}  // namespace brokkr::k8s::sim
