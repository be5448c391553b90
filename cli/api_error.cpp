#include "cli/api_error.hpp"

#include <nlohmann/json.hpp>

#include "common/json_limits.hpp"

namespace brokkr::cli {
namespace {

std::string text_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A body that is not the broker's error shape is shown briefly: it may be a large HTML page.
std::string excerpt(std::string_view body) {
  constexpr std::size_t max_chars = 200;
  std::string out(body.substr(0, max_chars));
  for (auto& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return body.size() > max_chars ? out + "..." : out;
}

}  // namespace

int exit_code_for_status(int http_status) {
  if (http_status == 401 || http_status == 403) return exit_code::auth;
  if (http_status == 404) return exit_code::not_found;
  return exit_code::api_error;
}

cli_error error_from_response(int http_status, std::string_view body) {
  cli_error e;
  e.exit_code = exit_code_for_status(http_status);
  const auto j = json_limits::parse_or_discarded(body);
  const auto err = j.is_object() && j.contains("error") ? j["error"] : nlohmann::json();
  const auto code = text_at(err, "code");
  const auto message = text_at(err, "message");
  if (err.is_object() && err.contains("details")) e.field = text_at(err["details"], "field");
  std::string prefix = "HTTP " + std::to_string(http_status) + (code.empty() ? "" : " " + code);
  if (message.empty()) {
    e.message = prefix + (body.empty() ? "" : ": " + excerpt(body));
  } else {
    e.message = prefix + ": " + message + (e.field.empty() ? "" : " (field " + e.field + ")");
  }
  return e;
}

cli_error error_from_transport(const http::transport_error& e, std::string_view server) {
  // curl refused the URL or an option: nothing was sent, so it is the caller's input at fault.
  if (e.code == http::transport_errc::invalid_request)
    return usage_error("cannot use broker URL " + std::string(server) + ": " + e.message);
  return {exit_code::unreachable,
          "cannot reach the broker at " + std::string(server) + ": " + std::string(http::to_string(e.code)) +
              (e.message.empty() ? "" : " (" + e.message + ")"),
          {}};
}

}  // namespace brokkr::cli
