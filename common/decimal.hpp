#pragma once
// A whole decimal integer from text (query values, header fields): the entire text must be the
// number, an optional '-' then digits, within int64_t. nullopt otherwise ("", "5x", " 5", "+5").
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace brokkr {

inline std::optional<int64_t> parse_decimal(std::string_view text) {
  int64_t n = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return n;
}

}  // namespace brokkr
