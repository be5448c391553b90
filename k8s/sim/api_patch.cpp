// api_server: PATCH in its four media types (reference/shipwright.md section 12).
#include "k8s/sim/api_errors.hpp"
#include "k8s/sim/api_server.hpp"
#include "k8s/sim/managed_fields.hpp"
#include "k8s/sim/object_meta.hpp"
#include "k8s/yaml_json.hpp"

namespace brokkr::k8s::sim {
namespace {

constexpr std::string_view merge_patch = "application/merge-patch+json";
constexpr std::string_view json_patch = "application/json-patch+json";
constexpr std::string_view apply_patch = "application/apply-patch+yaml";
constexpr std::string_view strategic_patch = "application/strategic-merge-patch+json";

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

void api_server::patch_object(const http::request& req, const route& rt, const reply& r) {
  const std::string type = media_type(req);
  const bool strategic = type == strategic_patch;
  if (type != merge_patch && type != json_patch && type != apply_patch && !strategic)
    return r->send(status_response(unsupported_media(type)));
  // Custom resources have no Go struct tags to merge by, so strategic merge is refused (kubectl patch docs).
  if (strategic && rt.res->is_crd) return r->send(status_response(unsupported_media(type)));
  auto body = parse_yaml_or_json(req.body);
  if (!body) return r->send(status_response(bad_request("the patch is not valid JSON or YAML: " + body.error())));
  auto ctx = write_ctx(req);
  std::vector<std::string> warnings;
  const auto target = rt.sub == "status" ? write_target::status : write_target::main;
  expected<json, api_status> result = json();
  bool created = false;
  if (type == apply_patch) {
    if (req.query.get("fieldManager").value_or("").empty())
      return r->send(status_response(invalid(*rt.res, rt.name, {{"FieldValueRequired",
          "Required value: is required for apply patch", "fieldManager"}})));
    auto applied = admit(req, rt, std::move(*body), warnings, true);
    if (!applied) return r->send(status_response(applied.error()));
    const bool force = req.query.get("force").value_or("") == "true";
    ctx.apply = true;
    auto change = [&](const json& live) -> expected<json, api_status> {
      created = live.is_null();
      auto merged = server_side_apply(live, *applied, ctx.field_manager, force, qualified(*rt.res) + " \"" + rt.name + "\"");
      if (!merged) return merged;
      std::vector<std::string> none;  // unknown fields were reported for the applied configuration
      return admit(req, rt, std::move(*merged), none);
    };
    result = target == write_target::status ? parts_.store.modify(*rt.res, rt.ns, rt.name, target, change, ctx)
                                            : parts_.store.upsert(*rt.res, rt.ns, rt.name, change, ctx);
  } else {
    auto change = [&](const json& current) -> expected<json, api_status> {
      json next = current;
      if (type == json_patch) {
        auto patched = apply_json_patch(current, *body);
        if (!patched) return patched;
        next = std::move(*patched);
      } else {
        // Merge patch; on built-in types strategic merge is approximated by it (lists are replaced).
        next.merge_patch(*body);
      }
      return admit(req, rt, std::move(next), warnings);
    };
    result = parts_.store.modify(*rt.res, rt.ns, rt.name, target, change, ctx);
  }
  if (!result) return r->send(status_response(result.error()));
  r->send(object_response(req, *rt.res, created ? 201 : 200, *result, warnings));
}

}  // namespace brokkr::k8s::sim
