// The HTTP request pipeline of a connection (common/http_connection.hpp parse_request: Beast's parser
// with the server's limits, transfer-encoding and trailer checks, target decoding), then the
// broker's router and JSON body reader on whatever got through.
#include <cstddef>
#include <cstdint>

#include "broker_node/http/json_body.hpp"
#include "broker_node/http/router.hpp"
#include "common/http_connection.hpp"

namespace {

// The router's matching over patterns of the broker's shapes (the handlers are not needed here).
const std::vector<brokkr::broker::http::route>& routes() {
  static const std::vector<brokkr::broker::http::route> table = [] {
    std::vector<brokkr::broker::http::route> t;
    for (const char* p : {"/api/v1/ephemeral-work", "/api/v1/ephemeral-work/{id}", "/api/v1/ephemeral-work/{id}/claim",
                          "/api/v1/agents/{id}/ephemeral-work/claim-next", "/api/v1/agents/{id}/labels/{label}", "/healthz"})
      for (const char* m : {"GET", "POST", "DELETE"}) t.push_back({m, p, brokkr::broker::http::access::admin, {}});
    return t;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const brokkr::http::server_config cfg = [] {
    brokkr::http::server_config c;
    c.header_limit = 8192;
    c.framing_limit = 1024;
    c.body_limit = 64 * 1024;
    return c;
  }();
  auto req = brokkr::http::detail::parse_request(std::string_view(reinterpret_cast<const char*>(data), size), cfg);
  if (!req) return 0;
  (void)brokkr::broker::http::match(routes(), req->method, req->path);
  (void)brokkr::broker::http::body_reader::parse(req->body, true);
  return 0;
}
