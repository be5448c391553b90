#pragma once
// Every failure of a Kubernetes call as one typed value: the API's own Status (code, reason, message,
// details), a transport failure (no HTTP answer), or a client-side problem (bad argument, undecodable
// answer). Callers decide by origin, code and reason, never by message text (STYLE.md 5.3).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_client.hpp"

namespace brokkr::k8s {

enum class error_origin {
  api,        // the server answered with an error status
  transport,  // no answer: connection refused, TLS verification failed, timeout, dropped stream
  client,     // we could not make or understand the call (reason InvalidArgument or DecodeError)
  agent,      // the caller's own machinery failed (a worker pool gone, no answer in time)
};

struct status_cause {
  std::string reason;   // FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, ...
  std::string message;
  std::string field;    // "spec.output.image"
};

struct status_details {
  std::string name;
  std::string group;
  std::string kind;  // the plural, as the API server writes it
  std::string uid;
  std::vector<status_cause> causes;
};

struct api_status {
  error_origin origin = error_origin::api;
  int code = 0;                  // HTTP status (origin api); 0 otherwise
  std::string reason;            // NotFound, AlreadyExists, Conflict, Invalid, Expired, TooManyRequests, ...
  std::string message;           // for humans and logs only
  status_details details;
  http::transport_errc transport = http::transport_errc::other;  // origin transport only
  std::chrono::seconds retry_after{0};  // Retry-After header, else details.retryAfterSeconds
};

// Reason strings of metav1.StatusReason we test for, spelled once.
namespace reason {
inline constexpr std::string_view not_found = "NotFound";
inline constexpr std::string_view already_exists = "AlreadyExists";
inline constexpr std::string_view conflict = "Conflict";
inline constexpr std::string_view invalid = "Invalid";
inline constexpr std::string_view bad_request = "BadRequest";
inline constexpr std::string_view expired = "Expired";
inline constexpr std::string_view gone = "Gone";
inline constexpr std::string_view unauthorized = "Unauthorized";
inline constexpr std::string_view forbidden = "Forbidden";
inline constexpr std::string_view too_many_requests = "TooManyRequests";
inline constexpr std::string_view unsupported_media_type = "UnsupportedMediaType";
inline constexpr std::string_view internal_error = "InternalError";
inline constexpr std::string_view invalid_argument = "InvalidArgument";  // client origin
inline constexpr std::string_view decode_error = "DecodeError";          // client origin
}  // namespace reason

// The reason an HTTP status implies when the body is not a Status (apimachinery's table).
std::string_view reason_for_code(int code);

// From an HTTP error answer: the Status body when there is one, else the code's reason and the body text.
api_status status_from_response(int code, std::string_view body, const http::header_map& headers);
// From a Status object (an in-stream watch ERROR event, or an error body already parsed).
api_status status_from_json(const nlohmann::json& status);
api_status transport_status(const http::transport_error& e);
api_status client_status(std::string_view reason, std::string message);

inline bool is_api(const api_status& s, std::string_view r) { return s.origin == error_origin::api && s.reason == r; }
bool is_not_found(const api_status& s);
bool is_already_exists(const api_status& s);
bool is_conflict(const api_status& s);   // 409 Conflict (stale resourceVersion, apply conflict), not AlreadyExists
bool is_gone(const api_status& s);       // 410, reason Expired or Gone: the watch must re-list
bool is_invalid(const api_status& s);    // 422
// Worth retrying the same request with backoff: 429, 500, 502, 503, 504, and transient transport failures.
bool is_retryable(const api_status& s);

// "404 NotFound: buildruns.shipwright.io \"x\" not found" for logs.
std::string describe(const api_status& s);

}  // namespace brokkr::k8s
