// api_server: PATCH in its four media types (reference/shipwright.md section 12).
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/api_server.hpp"
#include "k8s/sim/managed_fields.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/sim/query_values.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::sim {
namespace {

constexpr std::string_view merge_media = "application/merge-patch+json";
constexpr std::string_view json_media = "application/json-patch+json";
constexpr std::string_view apply_media = "application/apply-patch+yaml";
constexpr std::string_view strategic_media = "application/strategic-merge-patch+json";

api_status unsupported_media(std::string_view type) {
  return status_error(415, "UnsupportedMediaType",
                      "the body of the request was in an unknown format (" + std::string(type) +
                          ") - accepted media types include: application/json-patch+json, "
                          "application/merge-patch+json, application/apply-patch+yaml");
}

// RFC 6902: a failing test, a missing path (replace and remove included) or a malformed operation.
expected<json, api_status> apply_json_patch(const json& current, const json& ops) {
  if (!ops.is_array()) return unexpected(bad_request("a JSON patch must be an array of operations"));
  try {
    return current.patch(ops);
  } catch (const json::exception& e) {
    return unexpected(status_error(422, "Invalid", std::string("the JSON patch could not be applied: ") + e.what()));
  }
}

}  // namespace

// Server-side apply: the applied configuration may be partial; the merged result must be valid.
expected<json, api_status> api_server::apply_patch(const http::request& req, const route& rt, json body,
                                                   const write_context& ctx, std::vector<std::string>& warnings,
                                                   bool& created) {
  if (req.query.get("fieldManager").value_or("").empty())
    return unexpected(invalid(*rt.res, rt.name, {{"FieldValueRequired", "Required value: is required for apply patch",
                                                  "fieldManager"}}));
  auto applied = admit(req, rt, std::move(body), warnings, true);
  if (!applied) return applied;
  const bool force = query_flag(req.query, "force");
  auto change = [&](const json& live) -> expected<json, api_status> {
    created = live.is_null();
    auto merged = server_side_apply(live, *applied, ctx.field_manager, force, qualified(*rt.res) + " \"" + rt.name + "\"");
    if (!merged) return merged;
    std::vector<std::string> none;  // unknown fields were reported for the applied configuration
    return admit(req, rt, std::move(*merged), none);
  };
  if (rt.sub == "status") return parts_.store.modify(*rt.res, rt.ns, rt.name, write_target::status, change, ctx);
  return parts_.store.upsert(*rt.res, rt.ns, rt.name, change, ctx);
}

void api_server::patch_object(const http::request& req, const route& rt, const reply& r) {
  const std::string type = media_type(req);
  const bool strategic = type == strategic_media;
  if (type != merge_media && type != json_media && type != apply_media && !strategic)
    return r->send(status_response(unsupported_media(type)));
  // Custom resources have no Go struct tags to merge by, so strategic merge is refused (kubectl patch docs).
  if (strategic && rt.res->is_crd) return r->send(status_response(unsupported_media(type)));
  auto body = parse_yaml_or_json(req.body);
  if (!body) return r->send(status_response(bad_request("the patch is not valid JSON or YAML: " + body.error())));
  auto ctx = write_ctx(req);
  ctx.apply = type == apply_media;
  std::vector<std::string> warnings;
  bool created = false;
  auto change = [&](const json& current) -> expected<json, api_status> {
    json next = current;
    if (type == json_media) {
      auto patched = apply_json_patch(current, *body);
      if (!patched) return patched;
      next = std::move(*patched);
    } else {
      next.merge_patch(*body);  // on built-in types strategic merge is approximated by this (lists are replaced)
    }
    return admit(req, rt, std::move(next), warnings);
  };
  const auto target = rt.sub == "status" ? write_target::status : write_target::main;
  auto result = ctx.apply ? apply_patch(req, rt, std::move(*body), ctx, warnings, created)
                          : parts_.store.modify(*rt.res, rt.ns, rt.name, target, change, ctx);
  if (!result) return r->send(status_response(result.error()));
  r->send(object_response(req, *rt.res, created ? 201 : 200, *result, warnings));
}

}  // namespace brokkr::k8s::sim
