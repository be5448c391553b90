#pragma once
// Splits a byte stream into lines as chunks arrive, for every NDJSON stream we read: Kubernetes
// watches (k8s/client), followed event streams (the CLI, the tests). A chunk may end anywhere,
// including inside a line or between "\r" and "\n". A line longer than the limit ends the stream:
// a peer that never sends a newline cannot grow our buffer without bound.
#include <cstddef>
#include <string>
#include <string_view>

namespace brokkr {

class line_splitter {
 public:
  enum class fed { more, stopped, too_long };

  explicit line_splitter(std::size_t max_line = 16 * 1024 * 1024) : max_line_(max_line) {}

  // Calls `on_line(std::string_view)` for each complete line, without its "\n" or "\r\n"; blank and
  // whitespace-only lines are skipped. `on_line` returns false to stop (the rest is dropped).
  template <class F>
  fed feed(std::string_view chunk, F&& on_line) {
    pending_.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending_.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (!on_line(line)) {
        pending_.clear();
        return fed::stopped;
      }
    }
    pending_.erase(0, start);
    return pending_.size() > max_line_ ? fed::too_long : fed::more;
  }

  // The unfinished tail (a stream that ended without a final newline).
  const std::string& pending() const { return pending_; }

 private:
  std::string pending_;
  std::size_t max_line_;
};

}  // namespace brokkr
