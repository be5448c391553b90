#pragma once
// The newest bytes of one live log, addressed by their offset in the container's log. Readers keep
// their own position; one that fell behind the oldest kept byte learns how much it missed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace brokkr::broker {

class log_ring {
 public:
  explicit log_ring(size_t capacity) : capacity_(capacity) {}

  // Bytes at `offset`. Bytes before end() are a resend after a reconnect and are dropped; a gap
  // (offset past end()) starts over at `offset`, so readers are told what they missed.
  // Returns the number of new bytes kept.
  size_t append(int64_t offset, std::string_view text);

  struct slice {
    int64_t skipped = 0;  // bytes between the reader's position and the oldest kept byte
    std::string text;
    int64_t next = 0;     // the reader's new position
  };
  // At most `max` bytes from position `pos`.
  slice read(int64_t pos, size_t max) const;

  int64_t begin() const { return base_; }
  int64_t end() const { return base_ + static_cast<int64_t>(buf_.size()); }
  size_t size() const { return buf_.size(); }

 private:
  size_t capacity_;
  int64_t base_ = 0;
  std::string buf_;
};

}  // namespace brokkr::broker
