#include "broker_node/http/json_codec.hpp"

#include <limits>

#include "broker_node/http/json_body.hpp"
#include "common/json_limits.hpp"
#include "common/time.hpp"
#include "k8s/apply_manifest.hpp"
#include "k8s/base64.hpp"

namespace brokkr::broker::http {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<timestamp>& t) {
  return t ? json(format_rfc3339_millis(*t)) : json(nullptr);
}
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Unwraps an expected<optional<T>>, assigning the value when present.
#define BROKKR_READ(dst, expr)                          \
  do {                                                  \
    auto brokkr_r_ = (expr);                            \
    if (!brokkr_r_) return unexpected(brokkr_r_.error()); \
    if (*brokkr_r_) dst = std::move(**brokkr_r_);       \
  } while (0)

template <class T>
expected<T, validation_error> required(std::optional<T> v, const char* field) {
  if (!v) return unexpected(validation_error{field, std::string(field) + " is required"});
  return std::move(*v);
}

}  // namespace

json to_json(const work_item& w) {
  // Stored text is read back with the same depth limit as any input: a row written before the limit
  // existed must not take a GET down with it.
  json details = nullptr;
  if (!w.result_details.empty()) {
    auto parsed = json_limits::parse(w.result_details, "result_details");
    details = parsed ? std::move(*parsed) : json(json::value_t::discarded);
  }
  return {
      {"id", w.id},
      {"work_type", w.work_type},
      {"status", to_string(w.status)},
      {"crd_spec", w.crd_spec},
      {"targets",
       {{"agent_ids", w.targets.agent_ids},
        {"labels", w.targets.labels},
        {"annotations", w.targets.annotations},
        {"match", to_string(w.targets.match)},
        {"resolved_agent_ids", w.target_agents}}},
      {"claimed_by", text_or_null(w.claimed_by)},
      {"claimed_at", time_or_null(w.claimed_at)},
      {"attempt", w.attempt},
      {"retry_count", w.retry_count},
      {"max_retries", w.max_retries},
      {"next_retry_after", time_or_null(w.next_retry_after)},
      {"completed_at", time_or_null(w.completed_at)},
      {"lease_expires_at", time_or_null(w.lease_expires_at)},
      {"claim_deadline", time_or_null(w.claim_deadline)},
      {"cancel_requested", w.cancel_requested},
      {"result_message", text_or_null(w.result_message)},
      {"result_details", details.is_discarded() ? json(nullptr) : details},
      {"failure_reason", text_or_null(w.failure_reason)},
      {"ttl_seconds", w.ttl_seconds},
      {"claim_timeout_seconds", w.claim_timeout_seconds},
      {"backoff_base_seconds", w.backoff_base_seconds},
      {"lease_seconds", w.lease_seconds},
      {"priority", w.priority},
      {"idempotency_key", text_or_null(w.idempotency_key)},
      {"labels", w.labels},
      {"retry_of", text_or_null(w.retry_of)},
      {"created_at", format_rfc3339_millis(w.created_at)},
      {"updated_at", format_rfc3339_millis(w.updated_at)},
  };
}

json to_json(const work_event& e) {
  return {{"id", e.id},
          {"work_id", e.work_id},
          {"at", format_rfc3339_millis(e.at)},
          {"from_status", text_or_null(e.from_status)},
          {"to_status", e.to_status},
          {"agent_id", text_or_null(e.agent_id)},
          {"attempt", e.attempt},
          {"retry_count", e.retry_count},
          {"reason", text_or_null(e.reason)},
          {"message", text_or_null(e.message)}};
}

bool agent_ready(const agent_record& a, std::chrono::milliseconds window) {
  if (a.status != agent_status::active || !a.seen_seconds_ago) return false;
  if (a.transport == "caf" && !a.connected) return false;  // its session closed
  return *a.seen_seconds_ago * 1000.0 <= static_cast<double>(window.count());
}

json to_json(const agent_record& a, std::chrono::milliseconds ready_window) {
  const json connection = {{"ready", agent_ready(a, ready_window)},
                           {"transport", a.transport.empty() ? json(nullptr) : json(a.transport)},
                           {"connected", a.connected},
                           {"last_seen_at", time_or_null(a.last_seen_at)}};
  return {{"id", a.id},
          {"name", a.name},
          {"cluster_name", a.cluster_name},
          {"status", to_string(a.status)},
          {"labels", a.labels},
          {"annotations", a.annotations},
          {"last_heartbeat_at", time_or_null(a.last_heartbeat_at)},
          {"connection", connection},
          {"created_at", format_rfc3339_millis(a.created_at)},
          {"updated_at", format_rfc3339_millis(a.updated_at)}};
}

expected<work_request, validation_error> parse_work_request(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"work_type", "crd_spec", "targets", "max_retries", "claim_timeout_seconds", "ttl_seconds",
                        "backoff_base_seconds", "lease_seconds", "idempotency_key", "priority", "labels"});
      !s)
    return unexpected(s.error());
  work_request req;
  BROKKR_READ(req.work_type, r->text("work_type", 50));
  // crd_spec is YAML or JSON text; a JSON object is accepted too and kept as its JSON text.
  if (r->has("crd_spec") && r->raw().at("crd_spec").is_object()) req.crd_spec = json_limits::dump(r->raw().at("crd_spec"));
  else BROKKR_READ(req.crd_spec, r->text("crd_spec", max_crd_spec_bytes + 1));
  BROKKR_READ(req.max_retries, r->integer("max_retries"));
  BROKKR_READ(req.claim_timeout_seconds, r->integer("claim_timeout_seconds"));
  BROKKR_READ(req.ttl_seconds, r->integer("ttl_seconds"));
  BROKKR_READ(req.backoff_base_seconds, r->integer("backoff_base_seconds"));
  BROKKR_READ(req.lease_seconds, r->integer("lease_seconds"));
  BROKKR_READ(req.priority, r->integer("priority"));
  BROKKR_READ(req.idempotency_key, r->text("idempotency_key", max_idempotency_key_bytes + 1));
  BROKKR_READ(req.labels, r->string_map("labels"));
  auto targets = r->object("targets");
  if (!targets) return unexpected(targets.error());
  if (!*targets) return unexpected(validation_error{"targets", "targets is required"});
  const auto& t = **targets;
  if (auto s = t.only({"agent_ids", "labels", "annotations", "match"}); !s) return unexpected(s.error());
  BROKKR_READ(req.targets.agent_ids, t.strings("agent_ids"));
  BROKKR_READ(req.targets.labels, t.strings("labels"));
  BROKKR_READ(req.targets.annotations, t.string_map("annotations"));
  std::string match = "all";
  BROKKR_READ(match, t.text("match", 8));
  const auto m = parse_target_match(match);
  if (!m) return unexpected(validation_error{"targets.match", "targets.match must be \"all\" or \"any\""});
  req.targets.match = *m;
  if (auto v = validate(req); !v) return unexpected(v.error());
  return req;
}

expected<claim_body, validation_error> parse_claim(std::string_view body) {
  auto r = body_reader::parse(body, true);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"agent_id"}); !s) return unexpected(s.error());
  claim_body out;
  BROKKR_READ(out.agent_id, r->text("agent_id", 64));
  return out;
}

expected<claim_next_body, validation_error> parse_claim_next(std::string_view body) {
  auto r = body_reader::parse(body, true);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"agent_id", "work_types", "limit"}); !s) return unexpected(s.error());
  claim_next_body out;
  BROKKR_READ(out.agent_id, r->text("agent_id", 64));
  BROKKR_READ(out.work_types, r->strings("work_types"));
  auto limit = r->integer("limit");
  if (!limit) return unexpected(limit.error());
  out.limit = *limit;
  return out;
}

expected<heartbeat_body, validation_error> parse_heartbeat(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"agent_id", "attempt"}); !s) return unexpected(s.error());
  heartbeat_body out;
  BROKKR_READ(out.agent_id, r->text("agent_id", 64));
  std::optional<int> attempt;
  BROKKR_READ(attempt, r->integer("attempt"));
  auto a = required(attempt, "attempt");
  if (!a) return unexpected(a.error());
  out.attempt = *a;
  return out;
}

namespace {

// A whole JSON integer in [0, max] (generation and offset are 64-bit).
expected<int64_t, validation_error> count_field(const body_reader& r, const std::string& key, bool need, int64_t max) {
  if (!r.has(key)) {
    if (need) return unexpected(validation_error{r.field(key), r.field(key) + " is required"});
    return int64_t{0};
  }
  const auto& v = r.raw()[key];
  if (!v.is_number_integer() || (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max) : v.get<int64_t>() < 0 || v.get<int64_t>() > max))
    return unexpected(validation_error{r.field(key), r.field(key) + " must be an integer from 0 to " + std::to_string(max)});
  return v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
}

}  // namespace

expected<log_chunk, validation_error> parse_log_chunk(std::string_view body, const std::string& work_id) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"step", "generation", "offset", "text_base64", "done", "note"}); !s) return unexpected(s.error());
  log_chunk c;
  c.work_id = work_id;
  BROKKR_READ(c.step, r->text("step", 63));
  if (!c.step.empty() && !k8s::apply::is_dns_label(c.step))
    return unexpected(validation_error{"step", "step must be a step name (a DNS label)"});
  auto generation = count_field(*r, "generation", true, std::numeric_limits<int64_t>::max());
  if (!generation) return unexpected(generation.error());
  c.generation = static_cast<uint64_t>(*generation);
  auto offset = count_field(*r, "offset", true, std::numeric_limits<int64_t>::max());
  if (!offset) return unexpected(offset.error());
  c.offset = *offset;
  std::string encoded;
  BROKKR_READ(encoded, r->text("text_base64", max_log_chunk / 3 * 4 + 4));
  auto text = k8s::base64_decode(encoded);
  if (!text) return unexpected(validation_error{"text_base64", "text_base64 is not base64"});
  if (text->size() > max_log_chunk)
    return unexpected(validation_error{"text_base64", "text_base64 holds more than " + std::to_string(max_log_chunk) + " bytes"});
  c.text = std::move(*text);
  if (r->has("done")) {
    if (!r->raw()["done"].is_boolean()) return unexpected(validation_error{"done", "done must be true or false"});
    c.done = r->raw()["done"].get<bool>();
  }
  BROKKR_READ(c.note, r->text("note", 1024));
  return c;
}

json to_json(const log_stream_request& r) {
  return {{"step", r.step}, {"offset", r.offset}, {"generation", r.generation}};
}

namespace {

// One report object; `prefix` names it in errors ("" for a single report, "reports[2]" in a batch).
expected<completion_report, validation_error> read_report(const body_reader& r, bool with_id) {
  if (auto s = with_id ? r.only({"id", "agent_id", "attempt", "outcome", "result_message", "failure_reason", "result_details"})
                       : r.only({"agent_id", "attempt", "outcome", "result_message", "failure_reason", "result_details"});
      !s)
    return unexpected(s.error());
  completion_report p;
  if (with_id) {
    std::optional<std::string> id;
    BROKKR_READ(id, r.text("id", 64));
    if (!id) return unexpected(validation_error{r.field("id"), r.field("id") + " is required"});
    p.work_id = *id;
  }
  BROKKR_READ(p.agent_id, r.text("agent_id", 64));
  std::optional<int> attempt;
  BROKKR_READ(attempt, r.integer("attempt"));
  if (!attempt) return unexpected(validation_error{r.field("attempt"), r.field("attempt") + " is required"});
  p.attempt = *attempt;
  std::optional<std::string> outcome;
  BROKKR_READ(outcome, r.text("outcome", 32));
  if (!outcome) return unexpected(validation_error{r.field("outcome"), r.field("outcome") + " is required"});
  const auto parsed = parse_work_outcome(*outcome);
  if (!parsed)
    return unexpected(validation_error{
        r.field("outcome"), r.field("outcome") + " must be COMPLETED, FAILED_RETRYABLE, FAILED_PERMANENT or CANCELED"});
  p.outcome = *parsed;
  BROKKR_READ(p.result_message, r.text("result_message", max_result_message_bytes));
  BROKKR_READ(p.failure_reason, r.text("failure_reason", max_failure_reason_bytes));
  BROKKR_READ(p.result_details, r.object_text("result_details"));
  return p;
}

}  // namespace

expected<completion_report, validation_error> parse_completion(std::string_view body, const std::string& work_id) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  auto p = read_report(*r, false);
  if (!p) return p;
  p->work_id = work_id;
  return p;
}

expected<std::vector<completion_report>, validation_error> parse_completion_batch(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"reports"}); !s) return unexpected(s.error());
  if (!r->has("reports") || !r->raw().at("reports").is_array())
    return unexpected(validation_error{"reports", "reports is required and must be an array of reports"});
  const auto& list = r->raw().at("reports");
  if (list.empty() || list.size() > max_completion_batch)
    return unexpected(validation_error{"reports", "reports must hold 1 to " + std::to_string(max_completion_batch) + " reports"});
  std::vector<completion_report> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto name = "reports[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return unexpected(validation_error{name, name + " must be an object"});
    auto p = read_report(body_reader(list[i], name), true);
    if (!p) return unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

json to_json(const completion_ack& a) {
  json j = {{"id", a.work_id}};
  if (a.code == 0) {
    j["status"] = to_string(a.status);
  } else {
    j["error"] = {{"code", to_string(static_cast<errc>(a.code))}, {"message", a.message}};
  }
  return j;
}

expected<persistence::agent_create_params, validation_error> parse_agent_create(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"name", "cluster_name", "labels", "annotations", "status"}); !s) return unexpected(s.error());
  persistence::agent_create_params p;
  std::optional<std::string> name, cluster;
  BROKKR_READ(name, r->text("name", persistence::max_agent_name_bytes));
  BROKKR_READ(cluster, r->text("cluster_name", persistence::max_agent_name_bytes));
  auto n = required(name, "name");
  if (!n) return unexpected(n.error());
  auto c = required(cluster, "cluster_name");
  if (!c) return unexpected(c.error());
  p.name = *n;
  p.cluster_name = *c;
  BROKKR_READ(p.labels, r->strings("labels"));
  BROKKR_READ(p.annotations, r->string_map("annotations"));
  std::string status = "ACTIVE";
  BROKKR_READ(status, r->text("status", 16));
  const auto st = parse_agent_status(status);
  if (!st) return unexpected(validation_error{"status", "status must be ACTIVE or INACTIVE"});
  p.status = *st;
  return p;
}

expected<agent_status, validation_error> parse_agent_patch(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"status"}); !s) return unexpected(s.error());
  std::optional<std::string> status;
  BROKKR_READ(status, r->text("status", 16));
  auto s = required(status, "status");
  if (!s) return unexpected(s.error());
  const auto st = parse_agent_status(*s);
  if (!st) return unexpected(validation_error{"status", "status must be ACTIVE or INACTIVE"});
  return *st;
}

expected<std::vector<std::string>, validation_error> parse_labels(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"labels"}); !s) return unexpected(s.error());
  std::optional<std::vector<std::string>> labels;
  BROKKR_READ(labels, r->strings("labels"));
  return required(labels, "labels");
}

expected<std::map<std::string, std::string>, validation_error> parse_annotations(std::string_view body) {
  auto r = body_reader::parse(body);
  if (!r) return unexpected(r.error());
  if (auto s = r->only({"annotations"}); !s) return unexpected(s.error());
  std::optional<std::map<std::string, std::string>> annotations;
  BROKKR_READ(annotations, r->string_map("annotations"));
  return required(annotations, "annotations");
}

}  // namespace brokkr::broker::http
