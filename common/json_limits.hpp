#pragma once
// JSON from peers, parsed without trusting its shape. nlohmann's parser is iterative, but dump(),
// copies and comparisons recurse once per nesting level: a 100,000-deep body would take the stack
// with it. So depth is measured first, by a linear scan that builds nothing, and text deeper than
// the limit is refused before any value exists. Every place that parses JSON from the network
// (broker bodies, CAF reports, stored values read back, the agent's replies) goes through here.
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace brokkr::json_limits {

// The API's nesting limit: a Kubernetes manifest or a build report is a few levels deep; 64 leaves
// room for any real document and keeps every recursion over a value shallow.
inline constexpr size_t default_max_depth = 64;

struct too_deep {
  // Where the limit was crossed, as a field path from the top: "result_details.a.b[0]"; the first
  // segment names the top-level field. Long paths are shortened with "...".
  std::string path;
};

// The first place in `text` nested deeper than `max_depth` (the top-level value is depth 1), or
// nullopt. Malformed text is not judged here: the parser will refuse it.
std::optional<too_deep> find_too_deep(std::string_view text, size_t max_depth = default_max_depth);

struct parse_error {
  std::string field;    // "body" or the path of a too-deep value
  std::string message;
};

// Depth check, then parse. Text that is not JSON is a parse_error naming `what`.
expected<nlohmann::json, parse_error> parse(std::string_view text, std::string_view what = "body",
                                            size_t max_depth = default_max_depth);

// For callers that only need "JSON or not": a discarded value when the text is malformed or deeper
// than the limit (the same contract as nlohmann's parse(text, nullptr, false)).
nlohmann::json parse_or_discarded(std::string_view text, size_t max_depth = default_max_depth);

// dump() that never throws on invalid UTF-8 (it becomes U+FFFD): answers and logs may echo input.
std::string dump(const nlohmann::json& j);

}  // namespace brokkr::json_limits
