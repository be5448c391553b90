#include <boost/test/unit_test.hpp>

#include "k8s/shipwright_buildrun.hpp"
#include "k8s/shipwright_manifest.hpp"

using namespace brokkr::k8s::shipwright;
using namespace std::chrono_literals;

namespace {

const char* build_yaml = R"(apiVersion: shipwright.io/v1beta1
kind: Build
metadata: {name: app-build, namespace: ci, labels: {team: a}}
spec:
  source: {type: Git, git: {url: https://git.example.com/org/app, revision: main}}
  strategy: {kind: ClusterBuildStrategy, name: buildah-shipwright-managed-push}
  output: {image: registry.example.com/org/app:1.2.3}
  timeout: 15m
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(shipwright_manifest)

BOOST_AUTO_TEST_CASE(parses_a_build_alone_in_yaml_and_json) {
  auto m = parse_build_manifest(build_yaml);
  BOOST_REQUIRE_MESSAGE(m.has_value(), (m ? std::string() : m.error().message));
  BOOST_TEST(m->name() == "app-build");
  BOOST_TEST(m->namespace_name() == "ci");
  BOOST_TEST(!m->buildrun);
  auto j = parse_build_manifest(m->build.dump());
  BOOST_REQUIRE(j);
  BOOST_TEST(j->build == m->build);
}

BOOST_AUTO_TEST_CASE(parses_a_build_followed_by_buildrun_overrides) {
  const std::string text = std::string(build_yaml) + R"(---
apiVersion: shipwright.io/v1beta1
kind: BuildRun
metadata: {generateName: app-build-, labels: {agent.example/job: "42", brokkr.io/work-id: theirs}}
spec:
  build: {name: app-build}
  serviceAccount: builder
  timeout: 30m
  paramValues: [{name: dockerfile, value: Containerfile}]
  retention: {ttlAfterFailed: 2h}
)";
  auto m = parse_build_manifest(text);
  BOOST_REQUIRE_MESSAGE(m.has_value(), (m ? std::string() : m.error().message));
  BOOST_REQUIRE(m->buildrun);
  buildrun_params p{.name = "app-build-0123abcd-a1", .namespace_name = "ci", .build_name = m->name(),
                    .labels = {{"brokkr.io/work-id", "0123abcd"}, {"brokkr.io/attempt", "1"}},
                    .annotations = {{"brokkr.io/note", "x"}},
                    .service_account = "agent-default", .timeout = 10min, .ttl_after_succeeded = 1h,
                    .ttl_after_failed = 24h};
  auto br = make_buildrun(p, &*m);
  BOOST_REQUIRE(br);
  const auto& spec = (*br)["spec"];
  BOOST_TEST(spec["build"]["name"] == "app-build");
  BOOST_TEST(spec["serviceAccount"] == "builder");  // the manifest overrides the agent's default
  BOOST_TEST(spec["timeout"] == "30m");
  BOOST_TEST(spec["retention"]["ttlAfterFailed"] == "2h");
  BOOST_TEST(!spec["retention"].contains("ttlAfterSucceeded"));  // retention replaced whole, as the override says
  BOOST_TEST(spec["paramValues"][0]["value"] == "Containerfile");
  BOOST_TEST((*br)["metadata"]["name"] == "app-build-0123abcd-a1");  // ours, not generateName
  BOOST_TEST(!(*br)["metadata"].contains("generateName"));
  BOOST_TEST((*br)["metadata"]["labels"]["agent.example/job"] == "42");
  BOOST_TEST((*br)["metadata"]["labels"]["brokkr.io/work-id"] == "0123abcd");  // ours win
  BOOST_TEST((*br)["metadata"]["annotations"]["brokkr.io/note"] == "x");
  BOOST_TEST((*br)["kind"] == "BuildRun");
}

BOOST_AUTO_TEST_CASE(agent_defaults_without_a_buildrun_document) {
  auto m = parse_build_manifest(build_yaml);
  BOOST_REQUIRE(m);
  auto br = make_buildrun({.name = "run-1", .build_name = "app-build", .service_account = "sa",
                           .timeout = 90s, .ttl_after_succeeded = 1h},
                          &*m);
  BOOST_REQUIRE(br);
  BOOST_TEST((*br)["spec"]["serviceAccount"] == "sa");
  BOOST_TEST((*br)["spec"]["timeout"] == "1m30s");
  BOOST_TEST((*br)["spec"]["retention"]["ttlAfterSucceeded"] == "1h");
  BOOST_TEST(!(*br)["metadata"].contains("namespace"));
  auto bad = make_buildrun({.name = std::string(64, 'a'), .build_name = "b"});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().field == "crd_spec.buildrun.metadata.name");
  BOOST_TEST(!make_buildrun({.name = "ok", .build_name = ""}));
}

BOOST_AUTO_TEST_CASE(make_build_adds_our_labels_and_the_namespace) {
  auto m = parse_build_manifest(R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b",
    "labels":{"team":"a","brokkr.io/work-id":"theirs"}},"spec":{"strategy":{"name":"s"},"output":{"image":"i"}}})");
  BOOST_REQUIRE(m);
  const auto b = make_build(*m, {{"brokkr.io/work-id", "w1"}}, "ci");
  BOOST_TEST(b["metadata"]["labels"]["team"] == "a");
  BOOST_TEST(b["metadata"]["labels"]["brokkr.io/work-id"] == "w1");
  BOOST_TEST(b["metadata"]["namespace"] == "ci");
  auto in_ns = parse_build_manifest(build_yaml);
  BOOST_TEST(make_build(*in_ns, {}, "other")["metadata"]["namespace"] == "ci");
}

BOOST_AUTO_TEST_CASE(bad_manifests_name_the_field) {
  struct c {
    std::string text;
    std::string field;
  } cases[] = {
      {"", "crd_spec"},
      {"{not yaml: [", "crd_spec"},
      {"a: 1\n---\nb: 2\n---\nc: 3\n", "crd_spec"},
      {"[1, 2]", "crd_spec.build"},
      {R"({"apiVersion":"v1","kind":"Build"})", "crd_spec.build.apiVersion"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Job"})", "crd_spec.build.kind"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":[]})", "crd_spec.build.metadata"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{}})", "crd_spec.build.metadata.name"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"Bad_Name"}})", "crd_spec.build.metadata.name"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"}})", "crd_spec.build.spec"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{}})", "crd_spec.build.spec.strategy.name"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s","kind":"Weird"}}})", "crd_spec.build.spec.strategy.kind"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s"}}})", "crd_spec.build.spec.output.image"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s"},"output":{"image":"i"},"source":{}}})", "crd_spec.build.spec.source.type"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s"},"output":{"image":"i"},"timeout":"soon"}})", "crd_spec.build.spec.timeout"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s"},"output":{"image":"i"},"retention":{"ttlAfterFailed":5}}})", "crd_spec.build.spec.retention.ttlAfterFailed"},
      {R"({"apiVersion":"shipwright.io/v1beta1","kind":"Build","metadata":{"name":"b"},"spec":{"strategy":{"name":"s"},"output":{"image":"i"},"retention":{"ttlAfterSucceeded":"x"}}})", "crd_spec.build.spec.retention.ttlAfterSucceeded"},
  };
  for (const auto& t : cases) {
    auto m = parse_build_manifest(t.text);
    BOOST_TEST_CONTEXT(t.text) {
      BOOST_REQUIRE(!m);
      BOOST_TEST(m.error().field == t.field);
      BOOST_TEST(m.error().message.find(t.field) == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_buildrun_documents_name_the_field) {
  const std::string head = std::string(build_yaml) + "---\napiVersion: shipwright.io/v1beta1\nkind: BuildRun\n";
  struct c {
    std::string spec;
    std::string field;
  } cases[] = {
      {"spec: {state: BuildRunCanceled}", "crd_spec.buildrun.spec.state"},
      {"spec: {build: {spec: {}}}", "crd_spec.buildrun.spec.build.spec"},
      {"spec: {build: {name: other}}", "crd_spec.buildrun.spec.build.name"},
      {"spec: {output: {}}", "crd_spec.buildrun.spec.output.image"},
      {"spec: {timeout: forever}", "crd_spec.buildrun.spec.timeout"},
      {"spec: {retention: {ttlAfterFailed: x}}", "crd_spec.buildrun.spec.retention.ttlAfterFailed"},
      {"spec: {retention: {ttlAfterSucceeded: x}}", "crd_spec.buildrun.spec.retention.ttlAfterSucceeded"},
      {"spec: []", "crd_spec.buildrun.spec"},
      {"kind: Nope", "crd_spec.buildrun.kind"},
  };
  for (const auto& t : cases) {
    auto m = parse_build_manifest(head + t.spec + "\n");
    BOOST_TEST_CONTEXT(t.spec) {
      BOOST_REQUIRE(!m);
      BOOST_TEST(m.error().field == t.field);
    }
  }
}

BOOST_AUTO_TEST_CASE(names_and_label_values) {
  BOOST_TEST(is_dns_subdomain("app-build.v2"));
  BOOST_TEST(!is_dns_subdomain("-x"));
  BOOST_TEST(!is_dns_subdomain("X"));
  BOOST_TEST(!is_dns_subdomain(""));
  BOOST_TEST(is_label_value(""));
  BOOST_TEST(is_label_value("A_b-1.2"));
  BOOST_TEST(!is_label_value(std::string(64, 'a')));
  BOOST_TEST(!is_label_value("a/b"));
  BOOST_TEST(deterministic_buildrun_name("app-build", "0123ABCD-ef45-6789", 3) == "app-build-0123abcd-a3");
  const auto long_name = deterministic_buildrun_name(std::string(80, 'b') + "-", "0123abcd-ef", 12);
  BOOST_TEST(long_name.size() <= 63u);
  BOOST_TEST(is_label_value(long_name));
  BOOST_TEST(long_name.substr(long_name.size() - 13) == "-0123abcd-a12");
}

BOOST_AUTO_TEST_SUITE_END()
