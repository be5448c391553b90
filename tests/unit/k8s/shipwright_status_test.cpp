#include <boost/test/unit_test.hpp>

#include "k8s/shipwright_status.hpp"
#include "k8s/yaml_json.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::shipwright;

BOOST_AUTO_TEST_SUITE(shipwright_status)

BOOST_AUTO_TEST_CASE(reads_a_succeeded_buildrun) {
  // reference/shipwright.md section 10.
  auto br = parse_yaml_or_json(R"(
apiVersion: shipwright.io/v1beta1
kind: BuildRun
metadata: {name: app-build-k8d2x, namespace: ci}
spec: {build: {name: app-build}}
status:
  buildSpec: {}
  executor: {kind: TaskRun, name: app-build-k8d2x-7xq9p}
  taskRunName: app-build-k8d2x-7xq9p
  startTime: "2026-01-05T10:00:03Z"
  completionTime: "2026-01-05T10:03:41Z"
  source: {git: {commitSha: 3f2a, commitAuthor: Jane Doe, branchName: main}, timestamp: "2026-01-04T18:12:00Z"}
  output:
    digest: "sha256:ab12"
    size: 48213377
    vulnerabilities: [{id: CVE-1, severity: high}, {id: CVE-2, severity: low}]
  conditions:
  - {type: Succeeded, status: "True", reason: Succeeded, message: All Steps have completed executing, lastTransitionTime: "2026-01-05T10:03:41Z"}
)");
  BOOST_REQUIRE(br);
  auto s = read_buildrun_status(*br);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error()));
  BOOST_TEST(s->name == "app-build-k8d2x");
  BOOST_REQUIRE(s->succeeded);
  BOOST_TEST(s->succeeded->status == "True");
  BOOST_TEST(s->succeeded->reason == "Succeeded");
  BOOST_TEST(s->succeeded->last_transition.has_value());
  BOOST_TEST(s->output_digest == "sha256:ab12");
  BOOST_TEST(*s->output_size == 48213377);
  BOOST_TEST(s->vulnerabilities.size() == 2u);
  BOOST_TEST(s->vulnerabilities[0].severity == "high");
  BOOST_TEST(s->commit_sha == "3f2a");
  BOOST_TEST(s->commit_author == "Jane Doe");
  BOOST_TEST(s->branch_name == "main");
  BOOST_TEST(s->source_timestamp.has_value());
  BOOST_TEST(s->start_time.has_value());
  BOOST_TEST(s->completion_time.has_value());
  BOOST_TEST(s->executor_name == "app-build-k8d2x-7xq9p");
  BOOST_TEST(s->executor_kind == "TaskRun");
  BOOST_TEST(!s->failure);
  BOOST_TEST(!s->cancel_requested);
  BOOST_TEST(is_done(*s));
}

BOOST_AUTO_TEST_CASE(reads_a_failed_clone_and_a_cancel_request) {
  auto br = parse_yaml_or_json(R"({"metadata":{"name":"x"},"spec":{"state":"BuildRunCanceled"},
    "status":{"taskRunName":"x-abc","conditions":[{"type":"Other","status":"True"},
      {"type":"Succeeded","status":"False","reason":"Failed","message":"m"}],
    "failureDetails":{"reason":"GitRemoteRepositoryPrivate","message":"private","location":{"pod":"x-abc-pod","container":"step-source-default"}},
    "source":{"ociArtifact":{"digest":"sha256:01"}}, "output": null}})");
  BOOST_REQUIRE(br);
  auto s = read_buildrun_status(*br);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->cancel_requested);
  BOOST_TEST(s->succeeded->status == "False");
  BOOST_REQUIRE(s->failure);
  BOOST_TEST(s->failure->reason == "GitRemoteRepositoryPrivate");
  BOOST_TEST(s->failure->location.container == "step-source-default");
  BOOST_TEST(s->executor_name == "x-abc");  // from the deprecated taskRunName
  BOOST_TEST(s->executor_kind == "TaskRun");
  BOOST_TEST(s->source_oci_digest == "sha256:01");
  BOOST_TEST(!s->output_size);
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_field) {
  struct c {
    const char* doc;
    const char* field;
  } cases[] = {
      {R"({"status":{"output":{"size":"big"}}})", "status.output.size"},
      {R"({"status":{"startTime":"yesterday"}})", "status.startTime"},
      {R"({"status":{"conditions":{}}})", "status.conditions"},
      {R"({"status":{"failureDetails":{"location":{"pod":3}}}})", "status.failureDetails.location.pod"},
      {R"({"status":"nope"})", "status"},
      {R"({"status":{"source":{"git":{"commitSha":1}}}})", "status.source.git.commitSha"},
  };
  for (const auto& t : cases) {
    auto s = read_buildrun_status(nlohmann::json::parse(t.doc));
    BOOST_TEST_CONTEXT(t.doc) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().find(t.field) == 0u);
    }
  }
  BOOST_TEST(!read_buildrun_status(nlohmann::json::array()));
}

BOOST_AUTO_TEST_SUITE_END()
