#pragma once
// Splits a byte stream into lines as chunks arrive: a followed event stream (NDJSON) delivers chunks
// that end anywhere, including inside a line.
#include <string>
#include <string_view>
#include <vector>

namespace brokkr::cli {

class line_buffer {
 public:
  // Complete lines in `chunk` (plus what was held back), without their "\n" or "\r\n"; empty lines
  // are dropped. The unfinished tail is kept for the next call.
  std::vector<std::string> feed(std::string_view chunk);
  // The unfinished tail (a stream that ended without a final newline).
  const std::string& pending() const { return pending_; }

 private:
  std::string pending_;
};

}  // namespace brokkr::cli
