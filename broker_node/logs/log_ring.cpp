#include "broker_node/logs/log_ring.hpp"

#include <algorithm>

namespace brokkr::broker {

size_t log_ring::append(int64_t offset, std::string_view text) {
  if (offset > end()) {
    buf_.clear();
    base_ = offset;
  }
  const auto overlap = static_cast<size_t>(std::min<int64_t>(end() - offset, static_cast<int64_t>(text.size())));
  text.remove_prefix(overlap);
  buf_.append(text);
  // Trimmed in steps of a quarter, so appends stay amortised O(1) while memory stays under 1.25x.
  if (buf_.size() > capacity_ + capacity_ / 4) {
    const auto drop = buf_.size() - capacity_;
    buf_.erase(0, drop);
    base_ += static_cast<int64_t>(drop);
  }
  return text.size();
}

log_ring::slice log_ring::read(int64_t pos, size_t max) const {
  slice s;
  if (pos < base_) {
    s.skipped = base_ - pos;
    pos = base_;
  }
  const auto from = static_cast<size_t>(std::min(pos, end()) - base_);
  s.text = buf_.substr(from, max);
  s.next = base_ + static_cast<int64_t>(from + s.text.size());
  return s;
}

}  // namespace brokkr::broker
