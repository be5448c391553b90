#include "tests/support/api_client.hpp"

#include "common/line_splitter.hpp"

namespace brokkr::test {

api_client::api_client(std::string base_url, std::string k) : key(std::move(k)), base_(std::move(base_url)) {}

api_response api_client::call(const std::string& method, const std::string& path, const std::string& body) {
  http::client_request req;
  req.method = method;
  req.url = base_ + path;
  req.body = body;
  req.timeout = timeout;
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
  api_response out;
  auto r = client_.perform(req);
  if (!r) {
    out.transport_error = r.error().message;
    return out;
  }
  out.status = r->status;
  out.raw = r->body;
  out.body = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}

api_response api_client::get(const std::string& path) { return call("GET", path, ""); }
api_response api_client::post(const std::string& path, const nlohmann::json& body) { return call("POST", path, body.dump()); }
api_response api_client::post_raw(const std::string& path, const std::string& body) { return call("POST", path, body); }
api_response api_client::put(const std::string& path, const nlohmann::json& body) { return call("PUT", path, body.dump()); }
api_response api_client::patch(const std::string& path, const nlohmann::json& body) {
  return call("PATCH", path, body.dump());
}
api_response api_client::del(const std::string& path) { return call("DELETE", path, ""); }

bool api_client::stream_lines(const std::string& path, const std::function<void(const nlohmann::json&)>& on_line) {
  http::client_request req;
  req.url = base_ + path;
  req.timeout = timeout;
  if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
  line_splitter lines;
  auto r = client_.perform_stream(req, [](int, const http::header_map&) { return true; }, [&](std::string_view chunk) {
    return lines.feed(chunk, [&](std::string_view line) {
             on_line(nlohmann::json::parse(line));
             return true;
           }) == line_splitter::fed::more;
  });
  return r.has_value();
}

int api_client::stream_chunks(const std::string& path, const std::function<bool(std::string_view)>& on_chunk,
                              std::string* content_type, const std::atomic<bool>* stop) {
  http::client_request req;
  req.url = base_ + path;
  req.timeout = timeout;
  if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
  int status = 0;
  auto r = client_.perform_stream(
      req,
      [&](int st, const http::header_map& h) {
        status = st;
        if (content_type) *content_type = h.get("content-type").value_or("");
        return true;
      },
      [&](std::string_view chunk) { return on_chunk(chunk); }, stop);
  return r.has_value() ? status : 0;
}

}  // namespace brokkr::test
