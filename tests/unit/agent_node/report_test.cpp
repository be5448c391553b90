// The pure decisions of the agent: report building, API failure classes, budgets, parsing.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "agent_node/handlers/api_failure.hpp"
#include "agent_node/handlers/buildrun_report.hpp"
#include "agent_node/handlers/handler.hpp"
#include "agent_node/handlers/kubernetes_apply.hpp"
#include "agent_node/handlers/pod_logs.hpp"
#include "agent_node/link/work_json.hpp"

using namespace brokkr;
using namespace brokkr::agent;
namespace sw = brokkr::k8s::shipwright;
using nlohmann::json;

namespace {

build_report_input input(sw::disposition d, std::string reason = {}, int retry_limit = -1) {
  build_report_input in;
  in.namespace_name = "ci";
  in.build_name = "app";
  in.buildrun_name = "app-12345678-a2";
  in.attempt = 2;
  in.status.output_digest = "sha256:abc";
  in.status.output_size = 42;
  in.status.commit_sha = "3f2a";
  in.status.vulnerabilities = {{"CVE-1", "high"}};
  in.outcome.disp = d;
  in.outcome.reason = reason;
  in.outcome.condition_reason = reason.empty() ? "Succeeded" : "Failed";
  in.outcome.message = "it broke";
  in.outcome.retry_limit = retry_limit;
  in.log_container = "step-build";
  in.log_tail = "line\nerror: boom\n";
  in.output_image = "registry.example.com/app:1";
  return in;
}

}  // namespace

BOOST_AUTO_TEST_CASE(success_reports_digest_size_commit_and_log) {
  const auto m = build_completion(input(sw::disposition::succeeded));
  BOOST_TEST(m.outcome == work_outcome::completed);
  BOOST_TEST(m.attempt == 2);
  BOOST_TEST(m.failure_reason.empty());
  const auto d = json::parse(m.result_details);
  BOOST_TEST(d["digest"] == "sha256:abc");
  BOOST_TEST(d["size"] == 42);
  BOOST_TEST(d["commit_sha"] == "3f2a");
  BOOST_TEST(d["vulnerabilities"][0]["id"] == "CVE-1");
  BOOST_TEST(d["log_tail"] == "line\nerror: boom\n");
  BOOST_TEST(!d.contains("failure"));
  BOOST_TEST(m.result_message.find("sha256:abc") != std::string::npos);
  BOOST_TEST(d["image"] == "registry.example.com/app:1");
  BOOST_TEST(d["image_ref"] == "registry.example.com/app:1@sha256:abc");
  BOOST_TEST(m.result_message == "built registry.example.com/app:1@sha256:abc from commit 3f2a");
}

BOOST_AUTO_TEST_CASE(the_image_reference_is_pinned_by_digest) {
  BOOST_TEST(pinned_image("reg/app:1", "sha256:abc") == "reg/app:1@sha256:abc");
  BOOST_TEST(pinned_image("reg/app@sha256:def", "sha256:abc") == "reg/app@sha256:def");
  BOOST_TEST(pinned_image("", "sha256:abc").empty());
  BOOST_TEST(pinned_image("reg/app:1", "").empty());
}

BOOST_AUTO_TEST_CASE(failures_carry_reason_location_and_outcome_by_disposition) {
  auto in = input(sw::disposition::permanent, "GitRevisionNotFound");
  in.outcome.location = sw::failure_location{"app-pod", "step-source-default"};
  const auto m = build_completion(in);
  BOOST_TEST(m.outcome == work_outcome::failed_permanent);
  BOOST_TEST(m.failure_reason == "GitRevisionNotFound");
  BOOST_TEST(m.result_message == "it broke");
  BOOST_TEST(json::parse(m.result_details)["failure"]["location"]["container"] == "step-source-default");
  BOOST_TEST(build_completion(input(sw::disposition::retryable, "GitError")).outcome == work_outcome::failed_retryable);
  BOOST_TEST(build_completion(input(sw::disposition::canceled, "BuildRunCanceled")).outcome == work_outcome::canceled);
}

BOOST_AUTO_TEST_CASE(small_retry_budgets_end_permanent_once_spent) {
  BOOST_TEST(outcome_of(sw::disposition::retryable, 1, 0) == work_outcome::failed_retryable);
  BOOST_TEST(outcome_of(sw::disposition::retryable, 1, 1) == work_outcome::failed_permanent);
  BOOST_TEST(outcome_of(sw::disposition::retryable, -1, 50) == work_outcome::failed_retryable);
  auto in = input(sw::disposition::retryable, "Failed", 2);
  in.retry_count = 2;
  const auto m = build_completion(in);
  BOOST_TEST(m.outcome == work_outcome::failed_permanent);
  BOOST_TEST(m.result_message.find("retry budget") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(api_failures_are_classified_by_code_and_origin) {
  k8s::api_status st;
  st.origin = k8s::error_origin::transport;
  BOOST_TEST(classify_api_failure(st, "x").outcome == work_outcome::failed_retryable);
  st.origin = k8s::error_origin::api;
  st.code = 503;
  BOOST_TEST(classify_api_failure(st, "x").reason == "KubernetesUnavailable");
  st.code = 403;
  st.reason = "Forbidden";
  BOOST_TEST(classify_api_failure(st, "x").outcome == work_outcome::failed_permanent);
  st.code = 422;
  st.reason = "Invalid";
  const auto f = classify_api_failure(st, "applying");
  BOOST_TEST(f.outcome == work_outcome::failed_permanent);
  BOOST_TEST(f.reason == "Invalid");
  BOOST_TEST(f.message.rfind("applying", 0) == 0u);
  st.code = 409;
  st.reason = "Conflict";
  BOOST_TEST(classify_api_failure(st, "x").outcome == work_outcome::failed_retryable);
}

BOOST_AUTO_TEST_CASE(watch_budget_keeps_a_margin) {
  BOOST_TEST(watch_budget(3600).count() == 3420000);  // 5 %
  BOOST_TEST(watch_budget(60).count() == 55000);      // at least 5 s
  BOOST_TEST(watch_budget(10).count() == 5000);       // never below half
}

BOOST_AUTO_TEST_CASE(a_reattached_handler_gets_what_is_left_of_the_budget) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  work_item w;
  w.claim_timeout_seconds = 60;  // budget 55 s
  BOOST_TEST(remaining_watch_budget(w, now).count() == 55000);  // never claimed: all of it
  w.claimed_at = now - seconds(20);
  BOOST_TEST(remaining_watch_budget(w, now).count() == 35000);
  w.claimed_at = now - seconds(90);
  BOOST_TEST(remaining_watch_budget(w, now).count() == 0);
  w.claimed_at = now + seconds(3);  // the broker's clock runs ahead of ours
  BOOST_TEST(remaining_watch_budget(w, now).count() == 55000);
}

BOOST_AUTO_TEST_CASE(log_requests_follow_the_failure_location_or_the_build_step) {
  sw::buildrun_status s;
  s.executor_name = "app-abc-tr";
  sw::buildrun_outcome ok;
  ok.disp = sw::disposition::succeeded;
  auto r = log_request_for(s, ok, 50, 1000, 10);
  BOOST_TEST(r.pod == "app-abc-tr-pod");
  BOOST_TEST(r.container.empty());
  BOOST_TEST(r.tail_lines == 10);
  sw::buildrun_outcome bad;
  bad.disp = sw::disposition::permanent;
  bad.location = sw::failure_location{"p", "step-build"};
  r = log_request_for(s, bad, 50, 1000, 10);
  BOOST_TEST(r.container == "step-build");
  BOOST_TEST(r.tail_lines == 50);
  bad.location.reset();
  BOOST_TEST(log_request_for(s, bad, 50, 1000, 10).pod.empty());
  const json pod = {{"spec", {{"containers", {{{"name", "step-source-default"}}, {{"name", "step-build-and-push"}}}}}}};
  BOOST_TEST(build_step_container(pod) == "step-build-and-push");
}

BOOST_AUTO_TEST_CASE(work_json_reads_the_api_object) {
  const json j = {{"id", "w1"}, {"work_type", "shipwright-build"}, {"crd_spec", "x"}, {"status", "CLAIMED"},
                  {"attempt", 2}, {"retry_count", 1}, {"max_retries", 3}, {"claim_timeout_seconds", 600},
                  {"lease_seconds", 30}, {"claimed_at", "2026-01-05T10:00:00.000Z"}, {"result_details", {{"a", 1}}}};
  auto w = work_from_json(j);
  BOOST_REQUIRE(w.has_value());
  BOOST_TEST(w->attempt == 2);
  BOOST_TEST(w->status == work_status::claimed);
  BOOST_TEST(w->claimed_at.has_value());
  BOOST_TEST(w->result_details == R"({"a":1})");
  auto missing = j;
  missing.erase("attempt");
  BOOST_TEST(work_from_json(missing).error() == "work.attempt is missing");
}

// A build's log is whatever it printed: invalid UTF-8 must not turn a finished build into
// AgentHandlerFailed (the report's JSON used to throw on it).
BOOST_AUTO_TEST_CASE(a_log_tail_with_invalid_utf8_is_reported_with_replacement_characters) {
  build_report_input in;
  in.status.output_digest = "sha256:abc";
  in.outcome.disp = k8s::shipwright::disposition::succeeded;
  in.log_container = "step-build";
  in.log_tail = "STEP 1/2\n\xff\xfe binary noise \xc3\n";
  const auto r = build_completion(in);
  BOOST_TEST((r.outcome == work_outcome::completed));
  const auto details = nlohmann::json::parse(r.result_details);
  const auto tail = details["log_tail"].get<std::string>();
  BOOST_TEST(tail.find("\xef\xbf\xbd") != std::string::npos);
  BOOST_TEST(tail.find("STEP 1/2") == 0u);
}

BOOST_AUTO_TEST_CASE(the_namespace_policy) {
  handler_context ctx;
  ctx.default_namespace = "brokkr-builds";
  BOOST_TEST(namespace_allowed(ctx, "brokkr-builds"));
  BOOST_TEST(!namespace_allowed(ctx, "kube-system"));
  BOOST_TEST(!namespace_allowed(ctx, ""));  // cluster-scoped objects need "*"
  ctx.settings.allowed_namespaces = {"team-a", "team-b"};
  BOOST_TEST(namespace_allowed(ctx, "team-b"));
  BOOST_TEST(!namespace_allowed(ctx, "brokkr-builds"));
  ctx.settings.allowed_namespaces = {"*"};
  BOOST_TEST(namespace_allowed(ctx, "anything"));
  BOOST_TEST(namespace_allowed(ctx, ""));
}
