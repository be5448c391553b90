// Small parsers of the k8s library: selectors, YAML as JSON, base64, watch lines, Status bodies, backoff.
#include <boost/test/unit_test.hpp>

#include "k8s/api_status.hpp"
#include "k8s/base64.hpp"
#include "k8s/resource.hpp"
#include "k8s/selector.hpp"
#include "k8s/watch_event.hpp"
#include "k8s/yaml_json.hpp"

using namespace brokkr::k8s;
using nlohmann::json;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(k8s_parsing)

BOOST_AUTO_TEST_CASE(label_selectors_match_like_the_api_server) {
  const std::map<std::string, std::string> labels{{"app", "x"}, {"env", "dev"}, {"brokkr.io/work-id", "w1"}};
  auto match = [&](const std::string& s) {
    auto sel = label_selector::parse(s);
    BOOST_REQUIRE_MESSAGE(sel.has_value(), s);
    return sel->matches(labels);
  };
  BOOST_TEST(match(""));
  BOOST_TEST(match("app=x"));
  BOOST_TEST(match("app==x,env!=prod"));
  BOOST_TEST(!match("app=y"));
  BOOST_TEST(match("env in (dev, test)"));
  BOOST_TEST(!match("env notin (dev)"));
  BOOST_TEST(match("brokkr.io/work-id"));
  BOOST_TEST(!match("!app"));
  BOOST_TEST(match("!missing,missing!=x,missing notin (a)"));
  BOOST_TEST(!match("missing"));
  BOOST_TEST(!match("missing in (a)"));
  BOOST_TEST(!label_selector::parse("a=b,,c"));
  BOOST_TEST(!label_selector::parse("bad key=1"));
  BOOST_TEST(label_selector::parse("a in (x,y),b")->requirements().size() == 2u);
}

BOOST_AUTO_TEST_CASE(field_selectors) {
  auto f = parse_field_selector("metadata.name=x,metadata.namespace!=y,status.phase==Running");
  BOOST_REQUIRE(f);
  BOOST_TEST(f->size() == 3u);
  BOOST_TEST((*f)[1].negated);
  BOOST_TEST((*f)[2].value == "Running");
  BOOST_TEST(!parse_field_selector("metadata.name"));
  BOOST_TEST(!parse_field_selector("=x"));
  BOOST_TEST(parse_field_selector(" ")->empty());
}

BOOST_AUTO_TEST_CASE(yaml_scalars_follow_the_core_schema) {
  auto j = parse_yaml_or_json(R"(
a: 1
b: -2.5
c: true
d: "true"
e: ~
f: 0.5e3
g: "007"
h: 1.2.3
i: .inf
k: +12
l: !!str 12
m: [x, {n: null}]
)");
  BOOST_REQUIRE(j);
  BOOST_TEST((*j)["a"] == 1);
  BOOST_TEST((*j)["b"] == -2.5);
  BOOST_TEST((*j)["c"] == true);
  BOOST_TEST((*j)["d"] == "true");
  BOOST_TEST((*j)["e"].is_null());
  BOOST_TEST((*j)["f"] == 500.0);
  BOOST_TEST((*j)["g"] == "007");
  BOOST_TEST((*j)["h"] == "1.2.3");
  BOOST_TEST((*j)["i"].get<double>() > 1e300);
  BOOST_TEST((*j)["k"] == 12);
  BOOST_TEST((*j)["l"] == "12");
  BOOST_TEST((*j)["m"][1]["n"].is_null());
  auto docs = parse_yaml_documents("a: 1\n---\n---\nb: 2\n");
  BOOST_REQUIRE(docs);
  BOOST_TEST(docs->size() == 2u);
  auto bad = parse_yaml_documents("a: [1,\n");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().find("line") != std::string::npos);
  BOOST_TEST(!parse_yaml_or_json("a: 1\n---\nb: 2\n"));
  BOOST_TEST(parse_yaml_or_json(R"({"x": [1]})")->at("x")[0] == 1);
}

BOOST_AUTO_TEST_CASE(base64_round_trips) {
  for (const std::string s : {"", "a", "ab", "abc", "abcd", "-----BEGIN CERTIFICATE-----\n\x01\xff"})
    BOOST_TEST(*base64_decode(base64_encode(s)) == s);
  BOOST_TEST(base64_encode("hello") == "aGVsbG8=");
  BOOST_TEST(*base64_decode("aGVs\nbG8=") == "hello");
  BOOST_TEST(!base64_decode("a*b"));
  BOOST_TEST(!base64_decode("aG=Vs"));
}

BOOST_AUTO_TEST_CASE(watch_lines) {
  auto ev = parse_watch_line(R"({"type":"MODIFIED","object":{"metadata":{"resourceVersion":"12"}}})");
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->type == event_type::modified));
  BOOST_TEST(ev->resource_version() == "12");
  BOOST_TEST(!parse_watch_line("{"));
  BOOST_TEST(!parse_watch_line(R"({"type":"WHATEVER","object":{}})"));
  BOOST_TEST(!parse_watch_line(R"({"object":{}})"));
  BOOST_TEST(to_string(event_type::bookmark) == "BOOKMARK");
  const watch_event empty{event_type::added, json::object()};
  BOOST_TEST(empty.resource_version() == "");
}

BOOST_AUTO_TEST_CASE(status_bodies_and_the_retry_table) {
  brokkr::http::header_map h;
  h.add("Retry-After", "7");
  const auto s = status_from_response(409, R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"AlreadyExists",
    "message":"builds.shipwright.io \"b\" already exists","details":{"name":"b","group":"shipwright.io","kind":"builds",
    "causes":[{"reason":"FieldValueInvalid","message":"bad","field":"spec.x"}],"retryAfterSeconds":3},"code":409})", h);
  BOOST_TEST(is_already_exists(s));
  BOOST_TEST(!is_conflict(s));
  BOOST_TEST(s.details.kind == "builds");
  BOOST_TEST(s.details.causes.at(0).field == "spec.x");
  BOOST_TEST(s.retry_after.count() == 7);  // the header wins
  const auto plain = status_from_response(429, "Too many requests, please try again later.\n", {});
  BOOST_TEST(plain.reason == "TooManyRequests");
  BOOST_TEST(is_retryable(plain));
  BOOST_TEST(is_gone(status_from_json(json{{"code", 410}, {"reason", "Expired"}})));
  BOOST_TEST(is_gone(status_from_response(410, "", {})));
  BOOST_TEST(is_invalid(status_from_response(422, "{}", {})));
  BOOST_TEST(is_not_found(status_from_response(404, "nope", {})));
  for (int code : {500, 502, 503, 504}) BOOST_TEST(is_retryable(status_from_response(code, "", {})));
  for (int code : {400, 401, 403, 404, 409, 410, 415, 422, 501}) BOOST_TEST(!is_retryable(status_from_response(code, "", {})));
  BOOST_TEST(reason_for_code(599) == "InternalError");
  BOOST_TEST(reason_for_code(418) == "Unknown");
  const auto t = transport_status({brokkr::http::transport_errc::connect_failed, "refused"});
  BOOST_TEST(is_retryable(t));
  BOOST_TEST(!is_not_found(t));
  BOOST_TEST(!is_retryable(transport_status({brokkr::http::transport_errc::tls_verify_failed, "x"})));
  BOOST_TEST(!is_retryable(client_status(reason::decode_error, "x")));
  BOOST_TEST(describe(s).find("409 AlreadyExists") == 0u);
  BOOST_TEST(describe(t).find("transport connect_failed") == 0u);
  BOOST_TEST(describe(client_status(reason::invalid_argument, "m")) == "client InvalidArgument: m");
}

BOOST_AUTO_TEST_CASE(resource_paths) {
  BOOST_TEST(resources::buildruns.path("ci", "x", "status") == "/apis/shipwright.io/v1beta1/namespaces/ci/buildruns/x/status");
  BOOST_TEST(resources::pods.path("ci") == "/api/v1/namespaces/ci/pods");
  BOOST_TEST(resources::clusterbuildstrategies.path("ignored", "b") == "/apis/shipwright.io/v1beta1/clusterbuildstrategies/b");
  BOOST_TEST(resources::buildruns.path("", "") == "/apis/shipwright.io/v1beta1/buildruns");
  BOOST_TEST(resources::jobs.api_version() == "batch/v1");
  BOOST_TEST(resources::secrets.api_version() == "v1");
  // Names come from work items: nothing in one may address another path.
  BOOST_TEST(resources::configmaps.path("ci", "a/../../secrets/x") == "/api/v1/namespaces/ci/configmaps/a%2F..%2F..%2Fsecrets%2Fx");
  BOOST_TEST(resources::configmaps.path("..", "..") == "/api/v1/namespaces/%2E%2E/configmaps/%2E%2E");
  BOOST_TEST(resources::configmaps.path("ci", "a?watch=1") == "/api/v1/namespaces/ci/configmaps/a%3Fwatch%3D1");
}

BOOST_AUTO_TEST_SUITE_END()
