// api_server: get, list, create, update, patch and delete (reference/shipwright.md section 12).
#include <algorithm>

#include "common/log.hpp"
#include "common/json_limits.hpp"
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/api_server.hpp"
#include "k8s/sim/managed_fields.hpp"
#include "k8s/sim/query_values.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/schema_validator.hpp"
#include "k8s/sim/table.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::sim {
namespace {

using reply = std::shared_ptr<http::responder>;

expected<json, api_status> parse_body(const http::request& req) {
  auto body = parse_yaml_or_json(req.body);
  if (!body) return unexpected(bad_request("the request body is not valid JSON or YAML: " + body.error()));
  return std::move(*body);
}

}  // namespace

expected<selector_query, api_status> api_server::parse_selectors(const http::request& req, const served_resource& res,
                                               const std::string& ns) {
  selector_query q;
  q.ns = ns;
  auto labels = label_selector::parse(req.query.get("labelSelector").value_or(""));
  if (!labels) return unexpected(bad_request("unable to parse requirement: " + labels.error()));
  q.labels = std::move(*labels);
  auto fields = parse_field_selector(req.query.get("fieldSelector").value_or(""));
  if (!fields) return unexpected(bad_request(fields.error()));
  for (const auto& f : *fields) {
    // Custom resources declare no selectable fields: only name and namespace work.
    if (res.is_crd && f.field != "metadata.name" && f.field != "metadata.namespace")
      return unexpected(bad_request("field label not supported: " + f.field));
  }
  q.fields = std::move(*fields);
  return q;
}

write_context api_server::write_ctx(const http::request& req) const {
  write_context ctx;
  ctx.field_manager = req.query.get("fieldManager").value_or("");
  if (ctx.field_manager.empty()) {
    const std::string agent = req.headers.get("User-Agent").value_or("unknown");
    ctx.field_manager = agent.substr(0, agent.find('/'));
  }
  ctx.dry_run = req.query.get("dryRun").value_or("") == "All";
  return ctx;
}

// Prunes unknown fields (400 under fieldValidation=Strict, a warning under Warn) and returns the
// schema's complaints as 422 causes.
expected<std::vector<status_cause>, api_status> api_server::check_schema(const http::request& req,
                                                                         const served_resource& res, json& obj,
                                                                         std::vector<std::string>& warnings) {
  const std::string mode = req.query.get("fieldValidation").value_or("Warn");
  if (mode != "Strict" && mode != "Warn" && mode != "Ignore")
    return unexpected(bad_request("fieldValidation: unsupported value \"" + mode + "\": must be Strict, Warn or Ignore"));
  const json permissive = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  auto result = validate_object(obj, res.schema.is_null() ? permissive : res.schema);
  if (!result.unknown_fields.empty() && mode == "Strict") {
    std::string message = "strict decoding error: ";
    for (size_t i = 0; i < result.unknown_fields.size(); ++i)
      message += (i ? ", " : "") + std::string("unknown field \"") + result.unknown_fields[i] + "\"";
    return unexpected(bad_request(std::move(message)));
  }
  if (mode == "Warn")
    for (const auto& f : result.unknown_fields) warnings.push_back("unknown field \"" + f + "\"");
  return std::move(result.errors);
}

expected<json, api_status> api_server::admit(const http::request& req, const route& rt, json obj,
                                             std::vector<std::string>& warnings, bool partial) const {
  const auto& res = *rt.res;
  if (!obj.is_object()) return unexpected(bad_request("the request body must be an object"));
  for (const char* key : {"apiVersion", "kind"})
    if (obj.contains(key) && !obj[key].is_string() && !obj[key].is_null())
      return unexpected(bad_request(std::string(key) + " must be a string"));
  for (const char* key : {"apiVersion", "kind"})
    if (obj.contains(key) && obj[key].is_null()) obj.erase(key);
  const std::string av = obj.value("apiVersion", res.res.api_version());
  if (av != res.res.api_version())
    return unexpected(bad_request("the API version in the data (" + av + ") does not match the expected API version (" +
                                  res.res.api_version() + ")"));
  if (obj.value("kind", res.res.kind) != res.res.kind)
    return unexpected(bad_request("the kind in the data does not match the expected kind (" + res.res.kind + ")"));
  obj["apiVersion"] = av;
  obj["kind"] = res.res.kind;
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  const std::string body_ns = namespace_of(obj);
  if (res.res.namespaced && !body_ns.empty() && body_ns != rt.ns)
    return unexpected(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
  if (res.res.namespaced) obj["metadata"]["namespace"] = rt.ns;
  const std::string body_name = name_of(obj);
  if (!rt.name.empty() && !body_name.empty() && body_name != rt.name)
    return unexpected(bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" +
                                  rt.name + ")"));
  if (!rt.name.empty()) obj["metadata"]["name"] = rt.name;
  auto checked = check_schema(req, res, obj, warnings);
  if (!checked) return unexpected(std::move(checked.error()));
  auto causes = std::move(*checked);
  if (partial) std::erase_if(causes, [](const status_cause& c) { return c.reason == "FieldValueRequired"; });
  if (admission_) {
    auto extra = admission_(res, obj);
    causes.insert(causes.end(), extra.begin(), extra.end());
  }
  if (!causes.empty()) return unexpected(invalid(res, name_of(obj), std::move(causes)));
  return obj;
}

void api_server::get_object(const http::request& req, const route& rt, const reply& r) {
  auto obj = parts_.store.get(*rt.res, rt.ns, rt.name);
  if (!obj) return r->send(status_response(obj.error()));
  r->send(object_response(req, *rt.res, 200, *obj));
}

void api_server::list_objects(const http::request& req, const route& rt, const reply& r) {
  auto q = parse_selectors(req, *rt.res, rt.ns);
  if (!q) return r->send(status_response(q.error()));
  bool bad = false;
  // A negative limit lists everything, as on a real server; a limit that is not a number is a 400.
  const int64_t limit = std::max<int64_t>(0, query_int(req.query, "limit", bad).value_or(0));
  if (bad) return r->send(status_response(bad_request("limit: must be an integer")));
  auto page = parts_.store.list(*rt.res, *q, limit, req.query.get("continue").value_or(""));
  if (!page) return r->send(status_response(page.error()));
  if (wants_table(req.headers.get("Accept").value_or("")))
    return r->send(json_response(200, make_table(*rt.res, page->items, page->resource_version)));
  json meta = {{"resourceVersion", page->resource_version}};
  if (!page->continue_token.empty()) meta["continue"] = page->continue_token;
  r->send(json_response(200, {{"kind", rt.res->list_kind()}, {"apiVersion", rt.res->res.api_version()},
                              {"metadata", meta}, {"items", std::move(page->items)}}));
}

void api_server::create_object(const http::request& req, const route& rt, const reply& r) {
  auto body = parse_body(req);
  std::vector<std::string> warnings;
  auto obj = body ? admit(req, rt, std::move(*body), warnings) : expected<json, api_status>(unexpected(body.error()));
  if (!obj) return r->send(status_response(obj.error()));
  auto created = parts_.store.create(*rt.res, std::move(*obj), write_ctx(req));
  if (!created) return r->send(status_response(created.error()));
  r->send(object_response(req, *rt.res, 201, *created, warnings));
}

void api_server::update_object(const http::request& req, const route& rt, const reply& r) {
  auto body = parse_body(req);
  std::vector<std::string> warnings;
  auto obj = body ? admit(req, rt, std::move(*body), warnings) : expected<json, api_status>(unexpected(body.error()));
  if (!obj) return r->send(status_response(obj.error()));
  // Custom resources allow no unconditional update (the CR strategy's AllowUnconditionalUpdate is false).
  if (rt.res->is_crd && meta_string(*obj, "resourceVersion").empty())
    return r->send(status_response(invalid(*rt.res, rt.name, {{"FieldValueInvalid",
        "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion"}})));
  const auto target = rt.sub == "status" ? write_target::status : write_target::main;
  auto updated = parts_.store.modify(*rt.res, rt.ns, rt.name, target,
                                     [&](const json&) -> expected<json, api_status> { return *obj; }, write_ctx(req));
  if (!updated) return r->send(status_response(updated.error()));
  r->send(object_response(req, *rt.res, 200, *updated, warnings));
}

void api_server::delete_object(const http::request& req, const route& rt, const reply& r) {
  delete_request dr;
  if (!req.body.empty()) {
    const auto opts = json_limits::parse_or_discarded(req.body);
    if (opts.is_discarded() || !opts.is_object()) return r->send(status_response(bad_request("invalid DeleteOptions")));
    dr.propagation = opts.value("propagationPolicy", "");
    if (const auto pre = opts.find("preconditions"); pre != opts.end() && pre->is_object()) {
      dr.precondition_uid = pre->value("uid", "");
      dr.precondition_rv = pre->value("resourceVersion", "");
    }
    if (const auto dry = opts.find("dryRun"); dry != opts.end() && dry->is_array())
      for (const auto& d : *dry) dr.dry_run = dr.dry_run || d == "All";
  }
  if (auto p = req.query.get("propagationPolicy")) dr.propagation = *p;
  dr.dry_run = dr.dry_run || req.query.get("dryRun").value_or("") == "All";
  if (!dr.propagation.empty() && dr.propagation != "Background" && dr.propagation != "Foreground" &&
      dr.propagation != "Orphan")
    return r->send(status_response(bad_request("propagationPolicy: Unsupported value: \"" + dr.propagation +
                                               "\": supported values: \"Foreground\", \"Background\", \"Orphan\"")));
  auto res = parts_.store.remove(*rt.res, rt.ns, rt.name, dr);
  if (!res) return r->send(status_response(res.error()));
  if (!res->removed) return r->send(json_response(200, res->object));
  r->send(json_response(200, success_status(*rt.res, rt.name, uid_of(res->object))));
}

}  // namespace brokkr::k8s::sim
