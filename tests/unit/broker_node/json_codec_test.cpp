#include <boost/test/unit_test.hpp>

#include "broker_node/http/json_codec.hpp"

using namespace brokkr;
using namespace brokkr::broker::http;

namespace {
const char* spec = "apiVersion: shipwright.io/v1beta1\\nkind: Build\\nmetadata:\\n  name: a\\nspec:\\n  strategy:\\n    name: b\\n  output:\\n    image: r/a:1\\n";
}

BOOST_AUTO_TEST_CASE(work_request_with_defaults_and_all_fields) {
  auto r = parse_work_request(std::string(R"({"work_type":"shipwright-build","crd_spec":")") + spec +
                              R"(","targets":{"labels":["gpu"],"annotations":{"zone":"a"},"match":"any"},"max_retries":5,"priority":7,"idempotency_key":"k"})");
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().field + ": " + r.error().message));
  BOOST_TEST(r->max_retries == 5);
  BOOST_TEST(r->priority == 7);
  BOOST_TEST(r->ttl_seconds == default_ttl_seconds);
  BOOST_TEST((r->targets.match == target_match::any));
  BOOST_TEST(r->targets.annotations.at("zone") == "a");
}

BOOST_AUTO_TEST_CASE(crd_spec_may_be_a_json_object) {
  auto r = parse_work_request(
      R"({"work_type":"shipwright-build","targets":{"labels":["x"]},"crd_spec":{"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"a"},"spec":{"strategy":{"name":"b"},"output":{"image":"r/a"}}}})");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->crd_spec.find("\"kind\":\"Build\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(type_errors_name_the_field) {
  auto field = [](const std::string& body) {
    auto r = parse_work_request(body);
    return r ? std::string() : r.error().field;
  };
  BOOST_TEST(field("[]") == "body");
  BOOST_TEST(field("nope") == "body");
  BOOST_TEST(field(R"({"work_type": 5})") == "work_type");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","targets":{"labels":"gpu"}})") == "targets.labels");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","targets":{"labels":[1]}})") == "targets.labels[0]");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","targets":{"labels":["a"],"match":"most"}})") == "targets.match");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","targets":{"labelz":["a"]}})") == "targets.labelz");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","max_retries":1.5})") == "max_retries");
  BOOST_TEST(field(R"({"work_type":"shipwright-build","max_retries":99999999999})") == "max_retries");
}

BOOST_AUTO_TEST_CASE(completion_and_agent_bodies) {
  auto c = parse_completion(R"({"attempt":2,"outcome":"FAILED_RETRYABLE","failure_reason":"GitError","result_details":{"a":1}})", "w");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->attempt == 2);
  BOOST_TEST(c->result_details == R"({"a":1})");
  BOOST_TEST(parse_completion(R"({"outcome":"COMPLETED"})", "w").error().field == "attempt");
  BOOST_TEST(parse_completion(R"({"attempt":1,"outcome":"DONE"})", "w").error().field == "outcome");
  auto a = parse_agent_create(R"({"name":"n","cluster_name":"c","labels":["x"],"status":"INACTIVE"})");
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST((a->status == agent_status::inactive));
  BOOST_TEST(parse_agent_create(R"({"name":"n"})").error().field == "cluster_name");
  BOOST_TEST(parse_claim("").has_value());
  BOOST_TEST(parse_heartbeat(R"({"attempt":"1"})").error().field == "attempt");
  BOOST_TEST(parse_labels(R"({"labels":["a","b"]})")->size() == 2u);
  BOOST_TEST(parse_annotations(R"({"annotations":{"k":1}})").error().field == "annotations.k");
}

BOOST_AUTO_TEST_CASE(work_item_renders_nulls_and_details) {
  work_item w;
  w.id = "i";
  w.result_details = R"({"digest":"sha256:x"})";
  const auto j = to_json(w);
  BOOST_TEST(j["claimed_by"].is_null());
  BOOST_TEST(j["next_retry_after"].is_null());
  BOOST_TEST(j["result_details"]["digest"] == "sha256:x");
  BOOST_TEST(j["status"] == "PENDING");
}
