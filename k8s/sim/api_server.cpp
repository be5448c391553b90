// api_server: authentication, routing, discovery, faults and the /sim/v1 admin endpoints.
#include "k8s/sim/api_server.hpp"
#include "common/json_limits.hpp"

#include <openssl/crypto.h>

#include "common/log.hpp"
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/query_values.hpp"

namespace brokkr::k8s::sim {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_watch_request(const http::request& req) {
  return req.method == "GET" && query_flag(req.query, "watch");
}

}  // namespace

api_server::api_server(api_parts parts, api_options opts, admission_hook admission)
    : parts_(parts), opts_(std::move(opts)), admission_(std::move(admission)) {}

http::response api_server::error_response(int status, std::string code, std::string message) {
  auto s = status_error(status, std::move(code), std::move(message));
  return status_response(s);
}

bool api_server::authorized(const http::request& req) const {
  if (opts_.token.empty()) return true;
  const auto auth = req.headers.get("Authorization");
  const std::string expected = "Bearer " + opts_.token;
  // Constant-time comparison: the token is a secret.
  return auth && auth->size() == expected.size() && CRYPTO_memcmp(auth->data(), expected.data(), expected.size()) == 0;
}

void api_server::handle(http::request req, std::shared_ptr<http::responder> r) {
  const auto& p = req.path;
  if (p == "/healthz" || p == "/livez" || p == "/readyz")
    return r->send({.status = 200, .content_type = "text/plain", .body = "ok"});
  if (p == "/version") return r->send(json_response(200, parts_.disc.version()));
  if (!authorized(req)) return r->send(status_response(status_error(401, "Unauthorized", "Unauthorized")));
  if (p.rfind("/sim/v1/", 0) == 0) return serve_admin(req, r);
  if (serve_discovery(req, r)) return;
  std::string error;
  const auto rt = parse_route(p, error);
  if (!rt) return r->send(status_response(status_error(404, "NotFound", error.empty() ? "the server could not find the "
                                                                                        "requested resource" : error)));
  if (inject_fault(req, is_watch_request(req), r)) return;
  dispatch(req, *rt, r);
}

bool api_server::serve_discovery(const http::request& req, const reply& r) {
  if (req.method != "GET") return false;
  const auto parts = split_path(req.path);
  const auto& d = parts_.disc;
  std::optional<json> body;
  if (req.path == "/api") body = d.api_versions(req.headers.get("Host").value_or(opts_.server_address));
  else if (req.path == "/apis") body = d.api_group_list();
  else if (parts.size() == 2 && parts[0] == "api") body = d.resource_list("", parts[1]);
  else if (parts.size() == 2 && parts[0] == "apis") body = d.api_group(parts[1]);
  else if (parts.size() == 3 && parts[0] == "apis") body = d.resource_list(parts[1], parts[2]);
  else if (req.path == "/openapi/v3") body = d.openapi_index();
  else if (parts.size() == 4 && parts[0] == "openapi" && parts[2] == "api") body = d.openapi_document("", parts[3]);
  else if (parts.size() == 5 && parts[0] == "openapi" && parts[2] == "apis") body = d.openapi_document(parts[3], parts[4]);
  else if (req.path == "/openapi/v2") body = std::nullopt;
  else return false;
  if (!body) r->send(status_response(status_error(404, "NotFound", "the server could not find the requested resource")));
  else r->send(json_response(200, *body));
  return true;
}

std::optional<api_server::route> api_server::parse_route(const std::string& path, std::string& error) const {
  auto parts = split_path(path);
  std::string group;
  std::string version;
  size_t i = 0;
  if (parts.size() >= 3 && parts[0] == "api") {
    version = parts[1];
    i = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  route rt;
  // /namespaces/{ns}/{plural}... unless it addresses the namespace object itself (/namespaces/{name}[/status]).
  if (parts.size() >= i + 3 && parts[i] == "namespaces" && parts[i + 2] != "status" && parts[i + 2] != "finalize") {
    rt.ns = parts[i + 1];
    i += 2;
  }
  const size_t left = parts.size() - i;
  if (left < 1 || left > 3) return std::nullopt;
  rt.res = parts_.registry.find(group, version, parts[i]);
  if (!rt.res) {
    error = "the server could not find the requested resource";
    return std::nullopt;
  }
  if (left >= 2) rt.name = parts[i + 1];
  if (left == 3) rt.sub = parts[i + 2];
  const bool known_sub = rt.sub.empty() || (rt.sub == "status" && rt.res->has_status) ||
                         (rt.sub == "log" && rt.res->res.plural == "pods");
  if (!known_sub) return std::nullopt;
  if (!rt.res->res.namespaced) rt.ns.clear();
  if (rt.res->res.namespaced && rt.ns.empty() && !rt.name.empty()) return std::nullopt;
  return rt;
}

bool api_server::inject_fault(const http::request& req, bool is_watch, const reply& r) {
  const auto f = parts_.faults.take(req.method, req.path, is_watch);
  if (!f) return false;
  log::debug("sim", "fault ", f->id, " hits ", req.method, " ", req.target);
  if (f->type == fault_type::watch_gone_event) {
    auto s = r->begin_stream(200, {}, "application/json");
    s->write(json{{"type", "ERROR"}, {"object", status_body(expired("too old resource version: injected"))}}.dump(-1, ' ', false, json::error_handler_t::replace) +
             "\n");
    s->finish();
    return true;
  }
  api_status st = f->type == fault_type::watch_gone_http ? expired("too old resource version: injected")
                                                         : status_error(f->code, f->reason, f->message);
  int retry_after = f->retry_after_seconds;
  if (f->code == 429 && retry_after == 0) retry_after = 1;
  st.retry_after = std::chrono::seconds(retry_after);
  r->send(status_response(st));
  return true;
}

void api_server::serve_admin(const http::request& req, const reply& r) {
  const auto& p = req.path;
  if (p == "/sim/v1/faults" && req.method == "POST") {
    const auto body = json_limits::parse_or_discarded(req.body);
    auto f = parse_fault(body);
    if (!f) return r->send(status_response(bad_request("fault: " + f.error())));
    f->id = parts_.faults.add(*f);
    return r->send(json_response(201, to_json(*f)));
  }
  if (p == "/sim/v1/faults" && req.method == "GET") return r->send(json_response(200, parts_.faults.list()));
  if (p == "/sim/v1/faults" && req.method == "DELETE") {
    parts_.faults.clear();
    return r->send(json_response(200, json{{"cleared", true}}));
  }
  if (p == "/sim/v1/watches/drop" && req.method == "POST")
    return r->send(json_response(200, json{{"dropped", drop_watches()}}));
  if (p == "/sim/v1/compact" && req.method == "POST") {
    parts_.store.compact();
    return r->send(json_response(200, json{{"resourceVersion", std::to_string(parts_.store.current_rv())}}));
  }
  r->send(status_response(status_error(404, "NotFound", "no admin endpoint " + req.method + " " + p)));
}

size_t api_server::drop_watches() {
  std::vector<std::shared_ptr<http::stream>> open;
  {
    std::lock_guard lock(streams_mu_);
    for (auto& w : streams_)
      if (auto s = w.lock()) open.push_back(std::move(s));
    streams_.clear();
  }
  for (auto& s : open) s->abort();
  return open.size();
}

void api_server::dispatch(const http::request& req, const route& rt, const reply& r) {
  const auto& m = req.method;
  if (rt.sub == "log") {
    if (m == "GET") return pod_log(req, rt, r);
  } else if (rt.name.empty()) {
    if (m == "GET") return is_watch_request(req) ? watch_objects(req, rt, r) : list_objects(req, rt, r);
    if (m == "POST") return create_object(req, rt, r);
  } else {
    if (m == "GET") return get_object(req, rt, r);
    if (m == "PUT") return update_object(req, rt, r);
    if (m == "PATCH") return patch_object(req, rt, r);
    if (m == "DELETE" && rt.sub.empty()) return delete_object(req, rt, r);
  }
  r->send(status_response(status_error(405, "MethodNotAllowed", "the server does not allow this method on the "
                                                                 "requested resource")));
}

}  // namespace brokkr::k8s::sim
