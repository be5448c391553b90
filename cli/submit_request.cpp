#include "cli/submit_request.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/key_values.hpp"

namespace brokkr::cli {
namespace {

using nlohmann::json;

result<json> targets_from(const config::values& v) {
  json targets = json::object();
  if (v.is_set("agent")) targets["agent_ids"] = v.list("agent");
  if (v.is_set("label")) targets["labels"] = v.list("label");
  if (v.is_set("annotation")) {
    auto annotations = parse_key_values(rejoin_comma_values(v.list("annotation")), "--annotation");
    if (!annotations) return unexpected(annotations.error());
    targets["annotations"] = *annotations;
  }
  if (v.is_set("match")) {
    const auto& match = v.str("match");
    if (match != "any" && match != "all")
      return unexpected(usage_error("invalid value '" + match + "' for --match: must be any or all"));
    targets["match"] = match;
  }
  return targets;
}

// Duration flags of `work submit` and the API fields they set, in seconds.
constexpr std::pair<const char*, const char*> seconds_fields[] = {
    {"ttl", "ttl_seconds"}, {"claim-timeout", "claim_timeout_seconds"}, {"backoff-base", "backoff_base_seconds"}};

}  // namespace

result<std::string> read_spec(const std::string& path, std::istream& in) {
  std::stringstream ss;
  if (path == "-") {
    ss << in.rdbuf();
    return ss.str();
  }
  std::ifstream file(path);
  if (!file) return unexpected(usage_error("cannot read -f " + path + ": " + std::strerror(errno)));
  ss << file.rdbuf();
  return ss.str();
}

result<long long> whole_seconds(const config::values& v, const std::string& flag) {
  const auto d = v.duration(flag);
  if (d.count() % 1000 != 0)
    return unexpected(usage_error("invalid value '" + v.str(flag) + "' for --" + flag + ": must be whole seconds"));
  return static_cast<long long>(d.count() / 1000);
}

result<json> submit_body(const config::values& v, std::string crd_spec) {
  if (!v.is_set("type"))
    return unexpected(usage_error("work submit needs --type TYPE (e.g. shipwright-build)"));
  auto targets = targets_from(v);
  if (!targets) return unexpected(targets.error());
  json body = {{"work_type", v.str("type")}, {"crd_spec", std::move(crd_spec)}, {"targets", std::move(*targets)}};
  if (v.is_set("max-retries")) body["max_retries"] = v.integer("max-retries");
  if (v.is_set("priority")) body["priority"] = v.integer("priority");
  if (v.is_set("idempotency-key")) body["idempotency_key"] = v.str("idempotency-key");
  if (v.is_set("work-label")) {
    auto labels = parse_key_values(v.list("work-label"), "--work-label");
    if (!labels) return unexpected(labels.error());
    body["labels"] = *labels;
  }
  for (const auto& [flag, field] : seconds_fields) {
    if (!v.is_set(flag)) continue;
    auto seconds = whole_seconds(v, flag);
    if (!seconds) return unexpected(seconds.error());
    body[field] = *seconds;
  }
  return body;
}

}  // namespace brokkr::cli
