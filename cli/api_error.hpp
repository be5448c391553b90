#pragma once
// Turns what the broker answered (or that it did not answer) into a cli_error with the documented
// exit code. Decided by HTTP status and transport error code only, never by message text.
#include <string>
#include <string_view>

#include "cli/cli_error.hpp"
#include "common/http_client.hpp"

namespace brokkr::cli {

// 401/403 -> auth, 404 -> not_found, any other status -> api_error.
int exit_code_for_status(int http_status);

// `body` is the answer's body: {"error": {"code", "message", "details": {"field"}}} when the broker
// wrote it; any other text (a proxy's HTML page) is summarised, not trusted.
cli_error error_from_response(int http_status, std::string_view body);

// No HTTP answer: unreachable, except a URL curl refuses, which is a usage error.
cli_error error_from_transport(const http::transport_error& e, std::string_view server);

}  // namespace brokkr::cli
