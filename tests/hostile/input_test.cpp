// Bodies and query parameters: nesting, encodings, ranges, NUL, sizes, and fencing. Each answer
// names the field, nothing is written, and the broker keeps serving.
#include <boost/test/data/test_case.hpp>

#include "tests/hostile/hostile.hpp"

using namespace brokkr::test;
using namespace brokkr::test::hostile;
using nlohmann::json;
namespace bdata = boost::unit_test::data;

namespace {

enum class who { admin, agent_a, agent_b };

struct input_case {
  std::string name;
  who as = who::admin;
  std::string method;
  std::string path;  // "{claimed}" and "{pending}" and "{a}" are replaced by an item or agent A's id
  std::function<std::string()> body;
  int status;
  std::string field;  // details.field, when the answer names one
};

std::ostream& operator<<(std::ostream& os, const input_case& c) { return os << c.name; }

std::string nested(const std::string& open, const std::string& leaf, const std::string& close, int depth) {
  std::string s;
  s.reserve((open.size() + close.size()) * depth + leaf.size());
  for (int i = 0; i < depth; ++i) s += open;
  s += leaf;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

// A submit body with one member added or replaced, spliced as text: the member may be nested far
// too deep for any JSON library (the point of the case), or a number nlohmann would not print.
std::string submit_with(const std::string& member) {
  const auto key = member.substr(0, member.find(':'));
  auto base = json::parse(work_body({"hostile"}));
  base.erase(json::parse(key).get<std::string>());
  std::string s = base.dump();
  s.pop_back();
  return s + "," + member + "}";
}

std::string completion(int attempt, const std::string& extra = "") {
  return "{\"attempt\":" + std::to_string(attempt) + ",\"outcome\":\"COMPLETED\"" + extra + "}";
}

std::vector<input_case> cases() {
  const std::string work = "/api/v1/ephemeral-work";
  const std::string build_yaml = brokkr::test::sample_build_spec();
  auto k = [](std::string s) { return [s] { return s; }; };
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x]\\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\\n";
  }
  return {
      // nesting
      {"result_details_nested_100k", who::agent_a, "POST", work + "/{claimed}/complete",
       [] { return completion(1, ",\"result_details\":" + nested("{\"a\":", "1", "}", 100000)); }, 422, "result_details.a.a..."},
      {"crd_spec_object_nested_100k", who::admin, "POST", work, [] { return submit_with("\"crd_spec\":" + nested("{\"a\":", "1", "}", 100000)); },
       422, "crd_spec.a.a..."},
      {"targets_nested_100k", who::admin, "POST", work,
       [] { return "{\"work_type\":\"shipwright-build\",\"targets\":" + nested("{\"labels\":", "[]", "}", 100000) + "}"; }, 422,
       "targets.labels.labels..."},
      {"top_level_array_nested_100k", who::admin, "POST", work, [] { return nested("[", "1", "]", 100000); }, 422, "[0][0]..."},
      {"yaml_nested_in_crd_spec", who::admin, "POST", work,
       [] { return submit_with("\"crd_spec\":\"" + nested("[", "1", "]", 5000) + "\""); }, 422, "crd_spec"},
      {"yaml_alias_bomb", who::admin, "POST", work, [bomb] { return submit_with("\"crd_spec\":\"" + bomb + "\""); }, 422, "crd_spec"},
      // encodings
      {"invalid_utf8_in_a_string", who::admin, "POST", work, k("{\"work_type\":\"\xff\xfe\"}"), 422, "body"},
      {"nul_in_crd_spec", who::admin, "POST", work, [] { return submit_with("\"crd_spec\":\"apiVersion: v1\\u0000\""); }, 422, "crd_spec"},
      {"nul_in_idempotency_key", who::admin, "POST", work, [] { return submit_with("\"idempotency_key\":\"k\\u0000x\""); }, 422, "idempotency_key"},
      {"nul_in_an_annotation_value", who::admin, "POST", work,
       [] { return submit_with("\"targets\":{\"annotations\":{\"zone\":\"eu\\u0000\"}}"); }, 422, "targets.annotations.zone"},
      {"nul_in_a_label", who::admin, "POST", work, [] { return submit_with("\"targets\":{\"labels\":[\"a\\u0000b\"]}"); }, 422, "targets.labels[0]"},
      {"nul_in_result_message", who::agent_a, "POST", work + "/{claimed}/complete", [] { return completion(1, ",\"result_message\":\"a\\u0000b\""); }, 422, "result_message"},
      {"nul_in_an_agent_name", who::admin, "POST", "/api/v1/agents", k("{\"name\":\"a\\u0000b\",\"cluster_name\":\"c\"}"), 422, "name"},
      // numbers
      {"priority_2_to_the_64_minus_1", who::admin, "POST", work, [] { return submit_with("\"priority\":18446744073709551615"); }, 422, "priority"},
      {"max_retries_2_to_the_63", who::admin, "POST", work, [] { return submit_with("\"max_retries\":9223372036854775808"); }, 422, "max_retries"},
      {"ttl_below_int64", who::admin, "POST", work, [] { return submit_with("\"ttl_seconds\":-9223372036854775809"); }, 422, "ttl_seconds"},
      {"priority_a_fraction", who::admin, "POST", work, [] { return submit_with("\"priority\":1.5"); }, 422, "priority"},
      {"attempt_2_to_the_64", who::agent_a, "POST", work + "/{claimed}/heartbeat", k("{\"attempt\":18446744073709551616}"), 422, "attempt"},
      {"claim_next_limit_0", who::agent_a, "POST", "/api/v1/agents/{a}/ephemeral-work/claim-next", k("{\"limit\":0}"), 422, "limit"},
      // shapes and sizes
      {"body_an_array", who::admin, "POST", work, k("[1,2,3]"), 422, "body"},
      {"body_empty", who::admin, "POST", work, k(""), 422, "body"},
      {"unknown_field", who::admin, "POST", work, [] { return submit_with("\"max_retry\":3"); }, 422, "max_retry"},
      {"annotation_value_50k", who::admin, "POST", work,
       [] { return submit_with("\"targets\":{\"annotations\":{\"zone\":\"" + std::string(50000, 'z') + "\"}}"); }, 422, "targets.annotations.zone"},
      {"wait_for_annotation_50k", who::admin, "POST", work,
       [] {
         return json{{"work_type", "kubernetes-apply"},
                     {"crd_spec", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    brokkr.io/wait-for: condition=" +
                                      std::string(50000, 'a') + "\n"},
                     {"targets", {{"labels", {"hostile"}}}}}
             .dump();
       },
       422, "crd_spec[0].metadata.annotations.brokkr.io/wait-for"},
      {"crd_spec_over_1_mib", who::admin, "POST", work, [] { return submit_with("\"crd_spec\":\"" + std::string((1 << 20) + 10, 'a') + "\""); }, 422, "crd_spec"},
      {"build_named_My_Build", who::admin, "POST", work,
       [build_yaml] {
         auto y = build_yaml;
         y.replace(y.find("name: "), 6 + y.substr(y.find("name: ") + 6).find('\n'), "name: My_Build");
         return submit_with("\"crd_spec\":" + json(y).dump());
       },
       422, "crd_spec.build.metadata.name"},
      {"result_details_not_an_object", who::agent_a, "POST", work + "/{claimed}/complete", [] { return completion(1, ",\"result_details\":[1]"); }, 422, "result_details"},
      {"failure_reason_over_255", who::agent_a, "POST", work + "/{claimed}/complete",
       [] { return completion(1, ",\"failure_reason\":\"" + std::string(300, 'r') + "\""); }, 422, "failure_reason"},
      {"batch_of_101_reports", who::agent_a, "POST", "/api/v1/agents/{a}/ephemeral-work/complete",
       [] {
         json r = json::array();
         for (int i = 0; i < 101; ++i) r.push_back({{"id", "00000000-0000-4000-8000-000000000000"}, {"attempt", 1}, {"outcome", "COMPLETED"}});
         return json{{"reports", r}}.dump();
       },
       422, "reports"},
      {"label_with_a_space", who::admin, "PUT", "/api/v1/agents/{a}/labels", k("{\"labels\":[\"a b\"]}"), 422, "labels[0]"},
      {"work_label_value_a_number", who::admin, "POST", work, [] { return submit_with("\"labels\":{\"team\":7}"); }, 422, "labels.team"},
      {"work_label_nul", who::admin, "POST", work, [] { return submit_with("\"labels\":{\"team\":\"a\\u0000b\"}"); }, 422, "labels.team"},
      {"work_labels_65", who::admin, "POST", work,
       [] {
         json labels = json::object();
         for (int i = 0; i < 65; ++i) labels["k" + std::to_string(i)] = "v";
         return submit_with("\"labels\":" + labels.dump());
       },
       422, "labels"},
      {"retry_a_pending_item", who::admin, "POST", work + "/{pending}/retry", {}, 409, "status"},
      // query parameters: whole, in range, or 400 naming the parameter
      {"list_limit_minus_1", who::admin, "GET", work + "?limit=-1", {}, 400, "limit"},
      {"list_limit_5x", who::admin, "GET", work + "?limit=5x", {}, 400, "limit"},
      {"list_limit_plus_5", who::admin, "GET", work + "?limit=+5", {}, 400, "limit"},
      {"list_limit_twenty_digits", who::admin, "GET", work + "?limit=99999999999999999999", {}, 400, "limit"},
      {"list_status_unknown", who::admin, "GET", work + "?status=DONE", {}, 400, "status"},
      {"list_status_invalid_utf8", who::admin, "GET", work + "?status=%FF", {}, 400, "status"},
      {"list_cursor_not_an_id", who::admin, "GET", work + "?cursor=../../etc", {}, 400, "cursor"},
      {"list_agent_id_not_an_id", who::admin, "GET", work + "?agent_id=%00", {}, 400, "agent_id"},
      {"list_selector_nul", who::admin, "GET", work + "?labelSelector=a%00", {}, 400, "labelSelector"},
      {"list_selector_invalid_utf8", who::admin, "GET", work + "?labelSelector=a%3D%FF", {}, 400, "labelSelector"},
      {"list_selector_empty_term", who::admin, "GET", work + "?labelSelector=a%3Db%2C", {}, 400, "labelSelector"},
      {"list_selector_open_set", who::admin, "GET", work + "?labelSelector=a%20in%20(b", {}, 400, "labelSelector"},
      {"events_after_minus_1", who::admin, "GET", work + "/{pending}/events?after=-1", {}, 400, "after"},
      {"events_after_text", who::admin, "GET", work + "/{pending}/events?after=abc", {}, 400, "after"},
      {"feed_after_minus_1", who::admin, "GET", "/api/v1/events?after=-1", {}, 400, "after"},
      {"feed_limit_1001", who::admin, "GET", "/api/v1/events?limit=1001", {}, 400, "limit"},
      {"logs_follow_step_traversal", who::admin, "GET", work + "/{pending}/logs?follow=true&step=..%2F..%2Fx", {}, 400, "step"},
      {"logs_follow_step_nul", who::admin, "GET", work + "/{pending}/logs?follow=true&step=a%00b", {}, 400, "step"},
      {"logs_follow_step_64_characters", who::admin, "GET", work + "/{pending}/logs?follow=true&step=" + std::string(64, 'a'), {}, 400, "step"},
      {"logs_follow_a_pending_item", who::admin, "GET", work + "/{pending}/logs?follow=true", {}, 409, "status"},
      {"log_chunk_not_base64", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":0,"text_base64":"%%%"})"), 422, "text_base64"},
      {"log_chunk_over_64_kib", who::agent_a, "POST", work + "/{claimed}/logs",
       [] { return json{{"generation", 1}, {"offset", 0}, {"text_base64", std::string(87384, 'A')}}.dump(); }, 422, "text_base64"},
      {"log_chunk_negative_offset", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":-1})"), 422, "offset"},
      {"log_chunk_offset_2_to_the_64", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":18446744073709551616})"), 422, "offset"},
      {"log_chunk_without_generation", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"offset":0})"), 422, "generation"},
      {"log_chunk_step_with_a_slash", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":0,"step":"a/b"})"), 422, "step"},
      {"log_chunk_unknown_field", who::agent_a, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":0,"pod":"x"})"), 422, "pod"},
      {"log_chunk_from_the_admin", who::admin, "POST", work + "/{claimed}/logs", k(R"({"generation":1,"offset":0})"), 409, "status"},
      {"console_file_traversal", who::admin, "GET", "/ui/..%2F..%2Fetc%2Fpasswd", {}, 404, ""},
      {"pending_limit_0", who::agent_a, "GET", "/api/v1/agents/{a}/ephemeral-work/pending?limit=0", {}, 400, "limit"},
      {"agents_limit_minus_1", who::admin, "GET", "/api/v1/agents?limit=-1", {}, 400, "limit"},
      {"agents_limit_5x", who::admin, "GET", "/api/v1/agents?limit=5x", {}, 400, "limit"},
      {"agents_status_unknown", who::admin, "GET", "/api/v1/agents?status=BOGUS", {}, 400, "status"},
      {"agents_label_invalid", who::admin, "GET", "/api/v1/agents?label=a%20b", {}, 400, "label"},
      // ids in paths
      {"work_id_with_nul", who::admin, "GET", work + "/{pending}%00x", {}, 404, ""},
      {"work_id_not_a_uuid", who::admin, "GET", work + "/..%2F..%2Fagents", {}, 404, ""},
      {"agent_id_invalid_utf8", who::admin, "GET", "/api/v1/agents/%C3%28", {}, 404, ""},
      // fencing: a report must come from the claimer with the current attempt
      {"complete_with_a_stale_attempt", who::agent_a, "POST", work + "/{claimed}/complete", [] { return completion(7); }, 409, ""},
      {"heartbeat_with_a_stale_attempt", who::agent_a, "POST", work + "/{claimed}/heartbeat", k("{\"attempt\":0}"), 409, ""},
      {"complete_another_agents_claim", who::agent_b, "POST", work + "/{claimed}/complete", [] { return completion(1); }, 403, ""},
      {"act_as_another_agent", who::agent_b, "POST", work + "/{claimed}/complete",
       [] { return completion(1, ",\"agent_id\":\"00000000-0000-4000-8000-000000000001\""); }, 403, "agent_id"},
      {"claim_a_claimed_item", who::agent_b, "POST", work + "/{claimed}/claim", k("{}"), 409, ""},
      {"admin_completes_for_agent_b", who::admin, "POST", work + "/{claimed}/complete",
       [] { return completion(1, ",\"agent_id\":\"{b}\""); }, 403, ""},
  };
}

std::string fill(std::string text, suite_broker& s, const std::string& claimed, const std::string& pending) {
  for (const auto& [tag, value] : {std::pair<std::string, std::string>{"{claimed}", claimed}, {"{pending}", pending},
                                   {"{a}", s.agent_a().id}, {"{b}", s.agent_b().id}})
    for (auto p = text.find(tag); p != std::string::npos; p = text.find(tag)) text.replace(p, tag.size(), value);
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(input)

BOOST_DATA_TEST_CASE(bodies_and_parameters, bdata::make(cases()), c) {
  auto& s = suite_broker::get();
  const auto claimed = s.claimed_item();
  const auto pending = s.pending_item();
  const auto path = fill(c.path, s, claimed, pending);
  auto client = c.as == who::admin ? s.admin() : s.as(c.as == who::agent_a ? s.agent_a() : s.agent_b());
  const auto before = s.admin().get("/api/v1/ephemeral-work/" + claimed).body;
  const auto r = client.call(c.method, path, c.body ? fill(c.body(), s, claimed, pending) : std::string());
  BOOST_TEST(r.status == c.status, c.name << ": " << r.raw.substr(0, 300));
  // "x.y..." expects a field that starts with "x.y" (deep paths are shortened).
  if (!c.field.empty()) {
    const std::string got = r.body["error"]["details"].value("field", "");
    const bool prefix = c.field.size() > 3 && c.field.compare(c.field.size() - 3, 3, "...") == 0;
    BOOST_TEST((prefix ? got.rfind(c.field.substr(0, c.field.size() - 3), 0) == 0 : got == c.field),
               c.name << ": field " << got << ": " << r.raw.substr(0, 300));
  }
  if (r.status >= 400) BOOST_TEST(r.body.contains("error"), c.name);
  // A refused call changed nothing: the claimed item is as it was.
  const auto after = s.admin().get("/api/v1/ephemeral-work/" + claimed).body;
  BOOST_TEST(after["status"] == before["status"], c.name);
  BOOST_TEST(after["updated_at"] == before["updated_at"], c.name);
  still_serving(c.name);
}

BOOST_AUTO_TEST_SUITE_END()
