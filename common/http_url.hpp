#pragma once
// Percent-encoding and query strings (RFC 3986), shared by the HTTP server (decoding what arrives)
// and by clients that build URLs (the Kubernetes client, the CLI).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brokkr::http {

// Decodes %XX escapes; with plus_as_space (query strings) '+' becomes ' '. nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = false);
// Encodes everything except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// Decoded query parameters in arrival order; a name may repeat.
class query_params {
 public:
  query_params() = default;
  void add(std::string name, std::string value) { params_.emplace(std::move(name), std::move(value)); }
  // First value of the parameter, if present.
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return params_.find(std::string(name)) != params_.end(); }
  const std::multimap<std::string, std::string>& all() const noexcept { return params_; }

 private:
  std::multimap<std::string, std::string> params_;
};

// "a=1&b=x%20y" -> {a:1, b:"x y"}. nullopt when an escape is malformed.
std::optional<query_params> parse_query(std::string_view raw);
// Builds "?a=1&b=x%20y" from pairs, skipping none; returns "" for an empty list.
std::string build_query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace brokkr::http
