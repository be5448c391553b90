#include "cli/line_buffer.hpp"

namespace brokkr::cli {

std::vector<std::string> line_buffer::feed(std::string_view chunk) {
  pending_.append(chunk);
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
    std::size_t end = nl;
    if (end > start && pending_[end - 1] == '\r') --end;
    if (end > start) lines.emplace_back(pending_, start, end - start);
    start = nl + 1;
  }
  pending_.erase(0, start);
  return lines;
}

}  // namespace brokkr::cli
