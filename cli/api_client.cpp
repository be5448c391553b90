#include "cli/api_client.hpp"

#include <optional>

#include "cli/api_error.hpp"
#include "common/json_limits.hpp"
#include "common/line_splitter.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

// A non-2xx stream answer is an error document; more than this is not one worth reading.
constexpr std::size_t max_error_body = 64 * 1024;

cli_error not_json(int status, std::string_view text) {
  return {exit_code::api_error,
          "the broker answered HTTP " + std::to_string(status) + " with a body that is not JSON: " +
              std::string(text.substr(0, 120)),
          {}};
}

}  // namespace

api_client::api_client(api_settings settings)
    : settings_(std::move(settings)), http_(http::tls_options{.ca_file = settings_.ca_file}) {
  while (!settings_.server.empty() && settings_.server.back() == '/') settings_.server.pop_back();
}

http::client_request api_client::request(const std::string& method, const std::string& path,
                                         const char* accept) const {
  http::client_request req;
  req.method = method;
  req.url = settings_.server + path;
  req.timeout = settings_.timeout;
  req.connect_timeout = settings_.timeout;
  req.headers.emplace_back("Accept", accept);
  if (!settings_.key.empty()) req.headers.emplace_back("Authorization", "Bearer " + settings_.key);
  return req;
}

result<api_reply> api_client::call(const std::string& method, const std::string& path, const json& body) {
  auto req = request(method, path, "application/json");
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers.emplace_back("Content-Type", "application/json");
  }
  auto r = http_.perform(req);
  if (!r) return unexpected(error_from_transport(r.error(), settings_.server));
  if (r->status < 200 || r->status >= 300) return unexpected(error_from_response(r->status, r->body));
  api_reply out{r->status, nullptr};
  if (!r->body.empty()) {
    out.body = json_limits::parse_or_discarded(r->body);
    if (out.body.is_discarded()) return unexpected(not_json(r->status, r->body));
  }
  return out;
}

result<json> api_client::get(const std::string& path) {
  auto r = call("GET", path);
  if (!r) return unexpected(r.error());
  return std::move(r->body);
}

result<json> api_client::post(const std::string& path, const json& body) {
  auto r = call("POST", path, body);
  if (!r) return unexpected(r.error());
  return std::move(r->body);
}

result<ok_t> api_client::stream_bytes(const std::string& path, const char* accept,
                                      const std::function<bool(std::string_view)>& on_bytes) {
  auto req = request("GET", path, accept);
  req.timeout = std::chrono::milliseconds{0};  // a followed stream lasts as long as the work does
  int status = 0;
  std::string error_body;
  const auto on_headers = [&status](int s, const http::header_map&) {
    status = s;
    return true;
  };
  const auto on_data = [&](std::string_view chunk) {
    if (status < 200 || status >= 300) {
      error_body.append(chunk);
      return error_body.size() < max_error_body;
    }
    return on_bytes(chunk);
  };
  auto r = http_.perform_stream(req, on_headers, on_data);
  if (!r) return unexpected(error_from_transport(r.error(), settings_.server));
  if (r->status < 200 || r->status >= 300) return unexpected(error_from_response(r->status, error_body));
  return ok;
}

result<ok_t> api_client::stream(const std::string& path, const object_callback& on_object) {
  line_splitter lines;
  std::optional<cli_error> bad_line;
  auto r = stream_bytes(path, "application/x-ndjson", [&](std::string_view chunk) {
    const auto fed = lines.feed(chunk, [&](std::string_view line) {
      auto object = json_limits::parse_or_discarded(line);
      if (object.is_discarded()) {
        bad_line = not_json(200, line);
        return false;
      }
      return on_object(object);
    });
    if (fed == line_splitter::fed::too_long) bad_line = not_json(200, lines.pending().substr(0, 200));
    return fed == line_splitter::fed::more;
  });
  if (!r) return r;
  if (bad_line) return unexpected(*bad_line);
  return ok;
}

}  // namespace brokkr::cli
