#pragma once
// Query parameters as the Kubernetes API server reads them (apimachinery's conversion of URL query
// values into ListOptions, PatchOptions, PodLogOptions), so clients that spell them differently get
// what a real cluster would give them.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/http_url.hpp"

namespace brokkr::k8s::sim {

// A boolean option: absent is false; "0" and "false" in any case are false; every other value,
// the empty one included, is true (`?watch`, `?watch=True`, `?watch=yes` all start a watch).
bool query_flag(const http::query_params& q, std::string_view name);

// An integer option (Go's strconv.ParseInt, base 10): nullopt when absent or empty; `bad` is set
// when the value is not a whole decimal int64 (the server answers 400 for those).
std::optional<int64_t> query_int(const http::query_params& q, std::string_view name, bool& bad);

// A non-negative integer option: nullopt when absent or empty; `bad` is set when the value is not a
// whole decimal number >= 0 (the server answers 400 for those).
std::optional<int64_t> query_count(const http::query_params& q, std::string_view name, bool& bad);

}  // namespace brokkr::k8s::sim
