// The simulated Shipwright controller, driven through the client: default success, every scenario
// knob, fail-times, cancellation, registration failures, logs, retention, and the Job controller.
#include "k8s/condition.hpp"
#include "k8s/shipwright_outcome.hpp"
#include "k8s/sim/run_plan.hpp"
#include "sim_fixture.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;
using namespace brokkr::k8s::shipwright;

namespace {

struct scenario_fixture : sim_fixture {
  // Creates the Build (waiting for its registration) and a BuildRun, and returns the finished BuildRun.
  json run_build(const std::string& build, json annotations = json::object(), json spec_patch = json::object(),
                 const std::string& run_name = "") {
    if (!api.get(resources::builds, "ci", build)) {
      json b = build_object(build, std::move(annotations));
      if (spec_patch.is_object()) b["spec"].update(spec_patch);
      auto created = api.create(resources::builds, "ci", b);
      BOOST_REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : describe(created.error())));
    }
    const std::string name = run_name.empty() ? build + "-run-" + std::to_string(++runs) : run_name;
    BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object(name, build)));
    return finished(name);
  }
  json finished(const std::string& run) {
    auto done = wait_for(api, resources::buildruns, "ci", run, has_completion);
    BOOST_REQUIRE_MESSAGE(!done.is_null(), "BuildRun " + run + " never finished");
    return done;
  }
  static buildrun_outcome outcome(const json& run) {
    auto s = read_buildrun_status(run);
    BOOST_REQUIRE(s);
    return interpret_buildrun(*s);
  }
  std::string log(const json& run, const std::string& container, log_options o = {}) {
    o.container = container;
    auto text = api.logs("ci", run["status"]["executor"]["name"].get<std::string>() + "-pod", o);
    BOOST_REQUIRE_MESSAGE(text.has_value(), (text ? std::string() : describe(text.error())));
    return *text;
  }
  int runs = 0;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_scenarios, scenario_fixture)

BOOST_AUTO_TEST_CASE(a_build_without_knobs_succeeds_with_digest_and_commit) {
  const auto run = run_build("plain");
  const auto s = read_buildrun_status(run);
  BOOST_REQUIRE(s);
  BOOST_TEST(to_string(interpret_buildrun(*s).disp) == "succeeded");
  BOOST_TEST(s->succeeded->message == "All Steps have completed executing");
  BOOST_TEST(s->output_digest == sim::image_digest("registry.example.com/org/plain:1", 1));
  BOOST_TEST(*s->output_size > 0);
  BOOST_TEST(s->commit_sha.size() == 40u);
  BOOST_TEST(s->branch_name == "main");
  BOOST_TEST(s->start_time.has_value());
  BOOST_TEST(s->completion_time.has_value());
  BOOST_TEST(s->executor_kind == "TaskRun");
  BOOST_TEST(run["metadata"]["labels"]["build.shipwright.io/name"] == "plain");
  BOOST_TEST(run["metadata"]["labels"]["build.shipwright.io/generation"] == "1");
  BOOST_TEST(run["status"]["buildSpec"]["output"]["image"] == "registry.example.com/org/plain:1");
  auto pod = api.get(resources::pods, "ci", s->executor_name + "-pod");
  BOOST_REQUIRE(pod);
  BOOST_TEST((*pod)["status"]["phase"] == "Succeeded");
  BOOST_TEST((*pod)["spec"]["containers"].size() == 3u);  // source, build, image-processing
  const auto again = run_build("plain");
  BOOST_TEST(read_buildrun_status(again)->output_digest == s->output_digest);  // deterministic
}

BOOST_AUTO_TEST_CASE(outcome_fail_fails_the_build_step) {
  const auto run = run_build("broken", {{"sim.brokkr.io/outcome", "fail"}});
  const auto o = outcome(run);
  BOOST_TEST(to_string(o.disp) == "permanent");
  BOOST_TEST(o.condition_reason == "Failed");
  BOOST_REQUIRE(o.location);
  BOOST_TEST(o.location->container == "step-build");
  BOOST_TEST(run["status"]["conditions"][0]["message"].get<std::string>().find("kubectl --namespace ci logs") !=
             std::string::npos);
  const std::string text = log(run, "step-build");
  BOOST_TEST(text.substr(text.rfind("error:")).find("Failed") != std::string::npos);
  // The step after the failed one never started.
  auto waiting = api.logs("ci", run["status"]["executor"]["name"].get<std::string>() + "-pod",
                          {.container = "step-image-processing"});
  BOOST_REQUIRE(!waiting);
  BOOST_TEST(waiting.error().message.find("waiting to start") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(git_reasons_fail_the_source_step_with_failure_details) {
  const auto run = run_build("private", {{"sim.brokkr.io/reason", "GitRemoteRepositoryPrivate"}});
  const auto o = outcome(run);
  BOOST_TEST(to_string(o.disp) == "permanent");
  BOOST_TEST(o.reason == "GitRemoteRepositoryPrivate");
  BOOST_TEST(run["status"]["failureDetails"]["location"]["container"] == "step-source-default");
  BOOST_TEST(!run["status"]["failureDetails"]["message"].get<std::string>().empty());
  const std::string text = log(run, "step-source-default");
  BOOST_TEST(text.find("error: GitRemoteRepositoryPrivate") != std::string::npos);
  const auto flaky = run_build("flaky-git", {{"sim.brokkr.io/reason", "GitError"}});
  BOOST_TEST(to_string(outcome(flaky).disp) == "retryable");
}

BOOST_AUTO_TEST_CASE(failed_step_knob_moves_the_failure_to_the_push) {
  const auto run = run_build("push", {{"sim.brokkr.io/failed-step", "image-processing"}, {"sim.brokkr.io/outcome", "fail"}});
  const auto o = outcome(run);
  BOOST_TEST(to_string(o.disp) == "retryable");
  BOOST_TEST(o.location->container == "step-image-processing");
  BOOST_TEST(log(run, "step-build").find("Successfully built") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reasons_before_the_executor_and_pass_through_reasons) {
  const auto early = run_build("early", {{"sim.brokkr.io/reason", "ServiceAccountNotFound"}});
  BOOST_TEST(early["status"]["conditions"][0]["reason"] == "ServiceAccountNotFound");
  BOOST_TEST(!early["status"].contains("executor"));
  BOOST_TEST(!early["status"].contains("startTime"));
  BOOST_TEST(to_string(outcome(early).disp) == "permanent");
  const auto pull = run_build("pull", {{"sim.brokkr.io/reason", "TaskRunImagePullFailed"}});
  BOOST_TEST(pull["status"]["conditions"][0]["reason"] == "TaskRunImagePullFailed");
  BOOST_TEST(!pull["status"].contains("failureDetails"));
  BOOST_TEST(to_string(outcome(pull).disp) == "retryable");
  const auto oom = run_build("oom", {{"sim.brokkr.io/reason", "StepOutOfMemory"}});
  BOOST_TEST(oom["status"]["conditions"][0]["reason"] == "StepOutOfMemory");
  BOOST_TEST(log(oom, "step-build").find("StepOutOfMemory") != std::string::npos);
  const auto evicted = run_build("evicted", {{"sim.brokkr.io/reason", "PodEvicted"}});
  BOOST_TEST(to_string(outcome(evicted).disp) == "retryable");
}

BOOST_AUTO_TEST_CASE(vulnerabilities_are_listed_and_fail_on_finding) {
  json scan = {{"output", {{"image", "registry.example.com/org/scan:1"},
                           {"vulnerabilityScan", {{"enabled", true}, {"failOnFinding", true}}}}}};
  const auto failed = run_build("scan", {{"sim.brokkr.io/vulnerabilities", "CVE-1:H,CVE-2:L"}}, scan);
  const auto o = outcome(failed);
  BOOST_TEST(o.condition_reason == "VulnerabilitiesFound");
  BOOST_TEST(to_string(o.disp) == "permanent");
  BOOST_TEST(failed["status"]["output"]["vulnerabilities"].size() == 2u);
  BOOST_TEST(log(failed, "step-image-processing").find("CVE-1") != std::string::npos);
  scan["output"]["vulnerabilityScan"]["failOnFinding"] = false;
  const auto listed = run_build("scan-only", {{"sim.brokkr.io/vulnerabilities", "CVE-9:C"}}, scan);
  BOOST_TEST(to_string(outcome(listed).disp) == "succeeded");
  BOOST_TEST(read_buildrun_status(listed)->vulnerabilities.at(0).severity == "critical");
}

BOOST_AUTO_TEST_CASE(fail_times_fails_the_first_runs_then_succeeds) {
  const json knobs = {{"sim.brokkr.io/fail-times", "2"}, {"sim.brokkr.io/reason", "GitError"}};
  BOOST_TEST(to_string(outcome(run_build("twice", knobs)).disp) == "retryable");
  BOOST_TEST(to_string(outcome(run_build("twice")).disp) == "retryable");
  BOOST_TEST(to_string(outcome(run_build("twice")).disp) == "succeeded");
  BOOST_TEST(to_string(outcome(run_build("twice")).disp) == "succeeded");
}

BOOST_AUTO_TEST_CASE(fail_in_confines_the_failures_to_one_cluster) {
  // This sim is "brokkr-sim" (its --name): a fault of another cluster does not happen here.
  const json elsewhere = {{"sim.brokkr.io/fail-times", "1"}, {"sim.brokkr.io/reason", "GitError"},
                          {"sim.brokkr.io/fail-in", "east"}};
  BOOST_TEST(to_string(outcome(run_build("east-only", elsewhere)).disp) == "succeeded");
  const json here = {{"sim.brokkr.io/fail-times", "1"}, {"sim.brokkr.io/reason", "GitError"},
                     {"sim.brokkr.io/fail-in", "brokkr-sim"}};
  BOOST_TEST(to_string(outcome(run_build("here", here)).disp) == "retryable");
  BOOST_TEST(to_string(outcome(run_build("here")).disp) == "succeeded");
}

BOOST_AUTO_TEST_CASE(fail_attempts_follows_the_brokkr_attempt_label) {
  const json knobs = {{"sim.brokkr.io/fail-attempts", "1"}, {"sim.brokkr.io/reason", "GitError"}};
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("by-attempt", knobs)));
  auto run_attempt = [&](const std::string& name, const std::string& attempt) {
    auto run = buildrun_object(name, "by-attempt");
    run["metadata"]["labels"] = {{"brokkr.io/attempt", attempt}};
    BOOST_REQUIRE(api.create(resources::buildruns, "ci", run));
    return finished(name);
  };
  // The second attempt succeeds even though it is this cluster's first run of the Build.
  BOOST_TEST(to_string(outcome(run_attempt("by-attempt-2", "2")).disp) == "succeeded");
  BOOST_TEST(to_string(outcome(run_attempt("by-attempt-1", "1")).disp) == "retryable");
}

BOOST_AUTO_TEST_CASE(the_build_timeout_ends_a_long_run) {
  const auto run = run_build("slow", {{"sim.brokkr.io/duration", "1h"}}, {{"timeout", "1s"}});
  BOOST_TEST(run["status"]["conditions"][0]["reason"] == "BuildRunTimeout");
  BOOST_TEST(run["status"]["conditions"][0]["message"].get<std::string>().find("failed to finish within 1s") !=
             std::string::npos);
  BOOST_TEST(to_string(outcome(run).disp) == "retryable");
}

BOOST_AUTO_TEST_CASE(cancel_while_running) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("long", {{"sim.brokkr.io/duration", "1h"}})));
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("long-1", "long")));
  const auto running = wait_for(api, resources::buildruns, "ci", "long-1", [](const json& o) {
    return o.contains("status") && o["status"].contains("conditions") && o["status"]["conditions"][0]["reason"] == "Running";
  });
  BOOST_REQUIRE(!running.is_null());
  BOOST_TEST(to_string(outcome(running).disp) == "running");
  BOOST_REQUIRE(api.patch(resources::buildruns, "ci", "long-1", patch_type::merge, {{"spec", {{"state", "BuildRunCanceled"}}}}));
  const auto done = finished("long-1");
  BOOST_TEST(done["status"]["conditions"][0]["status"] == "False");
  BOOST_TEST(done["status"]["conditions"][0]["reason"] == "BuildRunCanceled");
  BOOST_TEST(done["status"]["conditions"][0]["message"] == "The BuildRun and underlying TaskRun were canceled successfully.");
  BOOST_TEST(to_string(outcome(done).disp) == "canceled");
  // Canceled before it ever ran: the short message, no executor.
  BOOST_REQUIRE(api.create(resources::buildruns, "ci",
                           [] { json r = buildrun_object("long-2", "long"); r["spec"]["state"] = "BuildRunCanceled"; return r; }()));
  const auto early = finished("long-2");
  BOOST_TEST(early["status"]["conditions"][0]["message"] == "the BuildRun is marked canceled.");
}

BOOST_AUTO_TEST_CASE(a_missing_strategy_fails_registration_and_the_run) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("nostrat", {}, "not-installed")));
  const auto build = wait_for(api, resources::builds, "ci", "nostrat",
                              [](const json& o) { return o.contains("status") && o["status"].contains("registered"); });
  BOOST_TEST(build["status"]["registered"] == "False");
  BOOST_TEST(build["status"]["reason"] == "ClusterBuildStrategyNotFound");
  BOOST_TEST(build["status"]["message"] == "clusterBuildStrategy not-installed does not exist");
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("nostrat-1", "nostrat")));
  const auto run = finished("nostrat-1");
  BOOST_TEST(run["status"]["conditions"][0]["reason"] == "BuildRegistrationFailed");
  BOOST_TEST(run["status"]["conditions"][0]["message"] ==
             "the Build is not registered correctly, build: nostrat, registered status: False, reason: "
             "ClusterBuildStrategyNotFound");
  BOOST_TEST(to_string(outcome(run).disp) == "permanent");
  // Creating the strategy later does not re-validate the Build (section 2); touching its spec does.
  auto strategy = api.get(resources::clusterbuildstrategies, "", "buildah-strategy-managed-push");
  json copy = {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "ClusterBuildStrategy"},
               {"metadata", {{"name", "not-installed"}}}, {"spec", (*strategy)["spec"]}};
  auto copied = api.create(resources::clusterbuildstrategies, "", copy);
  BOOST_REQUIRE_MESSAGE(copied.has_value(), (copied ? std::string() : describe(copied.error())));
  BOOST_TEST(api.get(resources::builds, "ci", "nostrat")->at("status")["registered"] == "False");
  BOOST_REQUIRE(api.patch(resources::builds, "ci", "nostrat", patch_type::merge, {{"spec", {{"timeout", "10m"}}}}));
  BOOST_TEST(!wait_for(api, resources::builds, "ci", "nostrat",
                       [](const json& o) { return o["status"]["registered"] == "True"; }).is_null());
  const auto later = run_build("nostrat");
  BOOST_TEST(to_string(outcome(later).disp) == "succeeded");
  BOOST_TEST(later["status"]["output"]["digest"] == sim::image_digest("registry.example.com/org/nostrat:1", 2));
}

BOOST_AUTO_TEST_CASE(missing_builds_secrets_and_service_accounts) {
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("orphan", "no-such-build")));
  const auto orphan = finished("orphan");
  BOOST_TEST(orphan["status"]["conditions"][0]["reason"] == "BuildNotFound");
  BOOST_TEST(orphan["status"]["conditions"][0]["message"] == "build.shipwright.io \"no-such-build\" not found");
  json secret_build = build_object("needs-secret");
  secret_build["spec"]["output"]["pushSecret"] = "regcred";
  BOOST_REQUIRE(api.create(resources::builds, "ci", secret_build));
  BOOST_TEST(!wait_for(api, resources::builds, "ci", "needs-secret",
                       [](const json& o) { return o.contains("status") && o["status"]["reason"] == "SpecOutputSecretRefNotFound"; })
                  .is_null());
  BOOST_REQUIRE(api.create(resources::secrets, "ci", {{"apiVersion", "v1"}, {"kind", "Secret"},
                                                       {"metadata", {{"name", "regcred"}}}, {"type", "Opaque"}}));
  BOOST_TEST(!wait_for(api, resources::builds, "ci", "needs-secret",
                       [](const json& o) { return o["status"]["registered"] == "True"; }).is_null());
  json explicit_sa = buildrun_object("sa-run", "needs-secret");
  explicit_sa["spec"]["serviceAccount"] = "builder";
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", explicit_sa));
  BOOST_TEST(finished("sa-run")["status"]["conditions"][0]["reason"] == "ServiceAccountNotFound");
  json generated = buildrun_object("gen-run", "needs-secret");
  generated["spec"]["serviceAccount"] = ".generate";
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", generated));
  BOOST_TEST(finished("gen-run")["status"]["conditions"][0]["status"] == "True");
  BOOST_TEST(eventually([&] { return absent(api, resources::serviceaccounts, "ci", "gen-run"); }));
}

BOOST_AUTO_TEST_CASE(namespaced_strategies_and_missing_parameter_values) {
  json strategy = {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "BuildStrategy"},
                   {"metadata", {{"name", "custom"}}},
                   {"spec", {{"steps", json::array({{{"name", "compile"}, {"image", "x"}}})},
                             {"parameters", json::array({{{"name", "level"}, {"description", "required"}}})}}}};
  auto made = api.create(resources::buildstrategies, "ci", strategy);
  BOOST_REQUIRE_MESSAGE(made.has_value(), (made ? std::string() : describe(made.error())));
  json b = build_object("custom-build");
  b["spec"]["strategy"] = {{"name", "custom"}};  // no kind: a namespaced BuildStrategy
  BOOST_REQUIRE(api.create(resources::builds, "ci", b));
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("custom-1", "custom-build")));
  BOOST_TEST(finished("custom-1")["status"]["conditions"][0]["reason"] == "MissingParameterValues");
  json with_param = buildrun_object("custom-2", "custom-build");
  with_param["spec"]["paramValues"] = json::array({{{"name", "level"}, {"value", "3"}}});
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", with_param));
  const auto ok = finished("custom-2");
  BOOST_TEST(ok["status"]["conditions"][0]["status"] == "True");
  BOOST_TEST(api.get(resources::pods, "ci", ok["status"]["executor"]["name"].get<std::string>() + "-pod")
                 ->at("spec")["containers"][1]["name"] == "step-compile");
}

BOOST_AUTO_TEST_CASE(pod_logs_with_tail_lines_and_limit_bytes) {
  const auto run = run_build("logs");
  const std::string pod = run["status"]["executor"]["name"].get<std::string>() + "-pod";
  const std::string full = log(run, "step-build");
  BOOST_TEST(full.find("STEP 1/3") == 0u);
  const std::string last = log(run, "step-build", {.tail_lines = 1});
  BOOST_TEST(last == "Successfully built the image\n");
  BOOST_TEST(log(run, "step-build", {.limit_bytes = 4}) == "STEP");
  BOOST_TEST(log(run, "step-build", {.tail_lines = 2, .limit_bytes = 6}) == "COMMIT");
  auto no_container = api.logs("ci", pod);
  BOOST_REQUIRE(!no_container);
  BOOST_TEST(no_container.error().code == 400);
  BOOST_TEST(no_container.error().message.find("choose one of: [step-source-default step-build step-image-processing]") !=
             std::string::npos);
  BOOST_TEST(api.logs("ci", pod, {.container = "step-nope"}).error().code == 400);
  BOOST_TEST(is_not_found(api.logs("ci", "no-pod", {.container = "x"}).error()));
  BOOST_TEST(api.logs("ci", pod, {.container = "step-build", .previous = true, .timestamps = true}).has_value());
}

// GET .../log?follow=true: the build step's lines arrive while the BuildRun runs, in separate
// pieces, and the stream ends when the step does.
BOOST_AUTO_TEST_CASE(pod_log_follow_streams_the_step_as_it_prints) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("follow", {{"sim.brokkr.io/duration", "3s"}})));
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("follow-1", "follow")));
  const auto running = wait_for(api, resources::buildruns, "ci", "follow-1", [](const json& o) {
    return o.contains("status") && o["status"].contains("taskRunName");
  });
  BOOST_REQUIRE(!running.is_null());
  const std::string pod = running["status"]["taskRunName"].get<std::string>() + "-pod";
  BOOST_REQUIRE(eventually([&] { return api.logs("ci", pod, {.container = "step-build"}).has_value(); }));

  const auto cfg = sim.client_config();
  brokkr::http::client http;
  brokkr::http::client_request req;
  req.url = cfg.server + "/api/v1/namespaces/ci/pods/" + pod + "/log?container=step-build&follow=true";
  req.headers = {{"Authorization", "Bearer " + cfg.token}};
  req.timeout = std::chrono::milliseconds(0);
  std::vector<std::string> pieces;
  std::vector<bool> run_finished_then;
  int status = 0;
  auto result = http.perform_stream(
      req, [&](int s, const brokkr::http::header_map&) { status = s; return true; },
      [&](std::string_view chunk) {
        pieces.emplace_back(chunk);
        const auto now = api.get(resources::buildruns, "ci", "follow-1");
        run_finished_then.push_back(now && has_completion(*now));
        return true;
      });
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(status == 200);
  std::string all;
  for (const auto& p : pieces) all += p;
  BOOST_TEST(all == *api.logs("ci", pod, {.container = "step-build"}));  // the whole log, once
  BOOST_TEST(all.find("Successfully built the image") != std::string::npos);
  BOOST_TEST(pieces.size() >= 3u, "lines should arrive as separate pieces, got " << pieces.size());
  BOOST_REQUIRE(!run_finished_then.empty());
  BOOST_TEST(!run_finished_then.front());  // the first lines came while the BuildRun still ran
  BOOST_TEST(has_completion(finished("follow-1")));

  // A finished container: the log and the end at once.
  auto again = http.perform(req);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->body == all);
}

BOOST_AUTO_TEST_CASE(retention_deletes_finished_runs_and_their_pods) {
  const auto run = run_build("keep-short", {}, {{"retention", {{"ttlAfterSucceeded", "1s"}}}});
  const std::string pod = run["status"]["executor"]["name"].get<std::string>() + "-pod";
  BOOST_TEST(eventually([&] { return absent(api, resources::buildruns, "ci", run["metadata"]["name"].get<std::string>()); }));
  BOOST_TEST(eventually([&] { return absent(api, resources::pods, "ci", pod); }));
  // succeededLimit keeps only the newest finished runs.
  run_build("limited", {}, {{"retention", {{"succeededLimit", 1}}}});
  run_build("limited");
  BOOST_TEST(eventually([&] {
    return api.list(resources::buildruns, "ci", {.label_selector = "build.shipwright.io/name=limited"})->items.size() == 1u;
  }));
}

BOOST_AUTO_TEST_CASE(jobs_complete_or_fail_after_their_duration) {
  auto job = [](const std::string& name, json annotations) {
    return json{{"apiVersion", "batch/v1"}, {"kind", "Job"},
                {"metadata", {{"name", name}, {"annotations", std::move(annotations)}}},
                {"spec", {{"ttlSecondsAfterFinished", 1},
                          {"template", {{"spec", {{"restartPolicy", "Never"},
                                                  {"containers", json::array({{{"name", "m"}, {"image", "x"}}})}}}}}}}};
  };
  BOOST_REQUIRE(api.create(resources::jobs, "ci", job("migrate", {{"sim.brokkr.io/duration", "200ms"}})));
  BOOST_REQUIRE(api.create(resources::jobs, "ci", job("doomed", {{"sim.brokkr.io/outcome", "fail"}})));
  const auto done = wait_for(api, resources::jobs, "ci", "migrate", [](const json& o) {
    return evaluate_condition(o, job_completion()).state != condition_state::pending;
  });
  BOOST_TEST((evaluate_condition(done, job_completion()).state == condition_state::met));
  const auto failed = wait_for(api, resources::jobs, "ci", "doomed", [](const json& o) {
    return evaluate_condition(o, job_completion()).state != condition_state::pending;
  });
  const auto r = evaluate_condition(failed, job_completion());
  BOOST_TEST((r.state == condition_state::failed));
  BOOST_TEST(r.reason == "BackoffLimitExceeded");
  BOOST_TEST(eventually([&] { return absent(api, resources::jobs, "ci", "migrate"); }));
}

BOOST_AUTO_TEST_SUITE_END()
