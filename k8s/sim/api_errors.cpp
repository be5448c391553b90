#include "k8s/sim/api_errors.hpp"

#include "common/json_limits.hpp"
#include "k8s/sim/table.hpp"

namespace brokkr::k8s::sim {
namespace {

api_status make(int code, std::string_view reason, std::string message) {
  api_status s;
  s.code = code;
  s.reason = std::string(reason);
  s.message = std::move(message);
  return s;
}

void set_details(api_status& s, const served_resource& r, std::string_view name) {
  s.details.name = std::string(name);
  s.details.group = r.res.group;
  s.details.kind = r.res.plural;
}

}  // namespace

std::string qualified(const served_resource& r) { return r.res.group.empty() ? r.res.plural : r.id(); }

api_status not_found(const served_resource& r, std::string_view name) {
  auto s = make(404, reason::not_found, qualified(r) + " \"" + std::string(name) + "\" not found");
  set_details(s, r, name);
  return s;
}

api_status already_exists(const served_resource& r, std::string_view name) {
  auto s = make(409, reason::already_exists, qualified(r) + " \"" + std::string(name) + "\" already exists");
  set_details(s, r, name);
  return s;
}

api_status conflict(const served_resource& r, std::string_view name, std::string_view why) {
  const std::string reason_text =
      why.empty() ? "the object has been modified; please apply your changes to the latest version and try again"
                  : std::string(why);
  auto s = make(409, reason::conflict,
                "Operation cannot be fulfilled on " + qualified(r) + " \"" + std::string(name) + "\": " + reason_text);
  set_details(s, r, name);
  return s;
}

api_status invalid(const served_resource& r, std::string_view name, std::vector<status_cause> causes) {
  std::string message = r.res.kind + "." + r.res.group + " \"" + std::string(name) + "\" is invalid: ";
  if (r.res.group.empty()) message = r.res.kind + " \"" + std::string(name) + "\" is invalid: ";
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i) message += ", ";
    message += causes[i].field + ": " + causes[i].message;
  }
  auto s = make(422, reason::invalid, std::move(message));
  set_details(s, r, name);
  s.details.kind = r.res.kind;
  s.details.causes = std::move(causes);
  return s;
}

api_status bad_request(std::string message) { return make(400, reason::bad_request, std::move(message)); }
api_status expired(std::string message) { return make(410, reason::expired, std::move(message)); }
api_status status_error(int code, std::string reason, std::string message) {
  return make(code, reason.empty() ? reason_for_code(code) : reason, std::move(message));
}

nlohmann::json status_body(const api_status& s) {
  nlohmann::json body = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                         {"status", "Failure"}, {"message", s.message}, {"reason", s.reason}, {"code", s.code}};
  nlohmann::json details = nlohmann::json::object();
  if (!s.details.name.empty()) details["name"] = s.details.name;
  if (!s.details.group.empty()) details["group"] = s.details.group;
  if (!s.details.kind.empty()) details["kind"] = s.details.kind;
  if (!s.details.uid.empty()) details["uid"] = s.details.uid;
  for (const auto& c : s.details.causes)
    details["causes"].push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
  if (s.retry_after.count() > 0) details["retryAfterSeconds"] = s.retry_after.count();
  if (!details.empty()) body["details"] = details;
  return body;
}

nlohmann::json success_status(const served_resource& r, std::string_view name, std::string_view uid) {
  nlohmann::json details = {{"name", name}, {"kind", r.res.plural}, {"uid", uid}};
  if (!r.res.group.empty()) details["group"] = r.res.group;
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()}, {"status", "Success"},
          {"details", details}};
}

http::response json_response(int status, const nlohmann::json& body, http::header_list headers) {
  return {.status = status, .headers = std::move(headers), .content_type = "application/json", .body = json_limits::dump(body)};
}

http::response status_response(const api_status& s) {
  http::header_list headers;
  if (s.retry_after.count() > 0) headers.emplace_back("Retry-After", std::to_string(s.retry_after.count()));
  return json_response(s.code, status_body(s), std::move(headers));
}

http::header_list warning_headers(const std::vector<std::string>& warnings) {
  http::header_list h;
  for (const auto& w : warnings) {
    std::string escaped;
    for (const char c : w) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    h.emplace_back("Warning", "299 - \"" + escaped + "\"");
  }
  return h;
}

http::response object_response(const http::request& req, const served_resource& res, int status,
                               const nlohmann::json& obj, const std::vector<std::string>& warnings) {
  if (wants_table(req.headers.get("Accept").value_or(""))) {
    const auto meta = obj.value("metadata", nlohmann::json::object());
    return json_response(status, make_table(res, {obj}, meta.value("resourceVersion", "")), warning_headers(warnings));
  }
  return json_response(status, obj, warning_headers(warnings));
}

std::string media_type(const http::request& req) {
  std::string ct = req.headers.get("Content-Type").value_or("");
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct;
}

}  // namespace brokkr::k8s::sim
