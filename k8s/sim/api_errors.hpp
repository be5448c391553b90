#pragma once
// The API server's error answers (reference/shipwright.md section 12) as k8s::api_status values, and
// their Status body.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_server.hpp"
#include "k8s/api_status.hpp"
#include "k8s/sim/resource_registry.hpp"

namespace brokkr::k8s::sim {

// "buildruns.shipwright.io" / "pods": how messages name a resource type.
std::string qualified(const served_resource& r);

api_status not_found(const served_resource& r, std::string_view name);
api_status already_exists(const served_resource& r, std::string_view name);
api_status conflict(const served_resource& r, std::string_view name, std::string_view why = {});
api_status invalid(const served_resource& r, std::string_view name, std::vector<status_cause> causes);
api_status bad_request(std::string message);
api_status expired(std::string message);
api_status status_error(int code, std::string reason, std::string message);

// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",...}
nlohmann::json status_body(const api_status& s);
// The body of a successful immediate delete.
nlohmann::json success_status(const served_resource& r, std::string_view name, std::string_view uid);

http::response json_response(int status, const nlohmann::json& body, http::header_list headers = {});
// Warning: 299 - "..." fields, one per warning.
http::header_list warning_headers(const std::vector<std::string>& warnings);
// An object as the client asked for it (the Table form when Accept says as=Table), with warnings.
http::response object_response(const http::request& req, const served_resource& res, int status,
                               const nlohmann::json& obj, const std::vector<std::string>& warnings = {});
// The Content-Type without parameters ("application/json").
std::string media_type(const http::request& req);
// The error as an HTTP answer: its code, the Status body, Retry-After when it asks for a pause.
http::response status_response(const api_status& s);

}  // namespace brokkr::k8s::sim
