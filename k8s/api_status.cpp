#include "k8s/api_status.hpp"

#include <cstdlib>

#include "common/json_limits.hpp"

namespace brokkr::k8s {
namespace {

struct code_reason {
  int code;
  std::string_view reason;
};

// apimachinery's reasonForCode plus the codes the API server really sends.
constexpr code_reason code_reasons[] = {
    {400, "BadRequest"},     {401, "Unauthorized"},         {403, "Forbidden"},
    {404, "NotFound"},       {405, "MethodNotAllowed"},     {406, "NotAcceptable"},
    {409, "Conflict"},       {410, "Gone"},                 {413, "RequestEntityTooLarge"},
    {415, "UnsupportedMediaType"}, {422, "Invalid"},        {429, "TooManyRequests"},
    {500, "InternalError"},  {502, "InternalError"},        {503, "ServiceUnavailable"},
    {504, "Timeout"},
};

// Status codes whose request may be repeated unchanged after a pause.
constexpr int retryable_codes[] = {429, 500, 502, 503, 504};

std::string str(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string_view reason_for_code(int code) {
  for (const auto& e : code_reasons)
    if (e.code == code) return e.reason;
  return code >= 500 ? "InternalError" : "Unknown";
}

api_status status_from_json(const nlohmann::json& status) {
  api_status s;
  s.origin = error_origin::api;
  if (!status.is_object()) return s;
  s.code = status.value("code", 0);
  s.reason = str(status, "reason");
  s.message = str(status, "message");
  if (const auto d = status.find("details"); d != status.end() && d->is_object()) {
    s.details.name = str(*d, "name");
    s.details.group = str(*d, "group");
    s.details.kind = str(*d, "kind");
    s.details.uid = str(*d, "uid");
    if (const auto r = d->find("retryAfterSeconds"); r != d->end() && r->is_number_integer())
      s.retry_after = std::chrono::seconds(r->get<int64_t>());
    if (const auto c = d->find("causes"); c != d->end() && c->is_array()) {
      for (const auto& cause : *c)
        if (cause.is_object()) s.details.causes.push_back({str(cause, "reason"), str(cause, "message"), str(cause, "field")});
    }
  }
  if (s.reason.empty()) s.reason = std::string(reason_for_code(s.code));
  return s;
}

api_status status_from_response(int code, std::string_view body, const http::header_map& headers) {
  api_status s;
  const auto parsed = json_limits::parse_or_discarded(body);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.value("kind", "") == "Status") {
    s = status_from_json(parsed);
  } else {
    s.reason = std::string(reason_for_code(code));
    s.message = std::string(body.substr(0, 1024));
  }
  s.code = code;  // the HTTP status is authoritative when the body disagrees
  if (auto ra = headers.get("Retry-After")) {
    const long seconds = std::strtol(ra->c_str(), nullptr, 10);
    if (seconds > 0) s.retry_after = std::chrono::seconds(seconds);
  }
  return s;
}

api_status transport_status(const http::transport_error& e) {
  api_status s;
  s.origin = error_origin::transport;
  s.transport = e.code;
  s.reason = std::string(http::to_string(e.code));
  s.message = e.message;
  return s;
}

api_status client_status(std::string_view r, std::string message) {
  api_status s;
  s.origin = error_origin::client;
  s.reason = std::string(r);
  s.message = std::move(message);
  return s;
}

bool is_not_found(const api_status& s) { return s.origin == error_origin::api && s.code == 404; }
bool is_already_exists(const api_status& s) { return is_api(s, reason::already_exists); }
bool is_conflict(const api_status& s) { return s.origin == error_origin::api && s.code == 409 && !is_already_exists(s); }
bool is_gone(const api_status& s) {
  return s.origin == error_origin::api && (s.code == 410 || s.reason == reason::expired || s.reason == reason::gone);
}
bool is_invalid(const api_status& s) { return s.origin == error_origin::api && s.code == 422; }

bool is_retryable(const api_status& s) {
  if (s.origin == error_origin::transport) return http::is_transient(s.transport);
  if (s.origin != error_origin::api) return false;
  for (const int c : retryable_codes)
    if (c == s.code) return true;
  return false;
}

std::string describe(const api_status& s) {
  switch (s.origin) {
    case error_origin::api:
      return std::to_string(s.code) + " " + s.reason + ": " + s.message;
    case error_origin::transport:
      return "transport " + s.reason + ": " + s.message;
    case error_origin::client:
      return "client " + s.reason + ": " + s.message;
    case error_origin::agent:
      return "agent " + s.reason + ": " + s.message;
  }
  return s.message;
}

}  // namespace brokkr::k8s
