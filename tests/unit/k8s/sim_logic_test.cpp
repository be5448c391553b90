// Pure parts of the simulated cluster: knobs, run plans, schema checks, managed fields, tables, faults.
#include <boost/test/unit_test.hpp>

#include "k8s/sim/build_validation.hpp"
#include "k8s/sim/discovery.hpp"
#include "k8s/sim/faults.hpp"
#include "k8s/sim/managed_fields.hpp"
#include "k8s/sim/pod_logs.hpp"
#include "k8s/sim/query_values.hpp"
#include "k8s/sim/resource_registry.hpp"
#include "k8s/sim/run_plan.hpp"
#include "k8s/sim/scenario.hpp"
#include "k8s/sim/schema_validator.hpp"
#include "k8s/sim/table.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::sim;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json annotated(json ann) { return {{"metadata", {{"annotations", std::move(ann)}}}}; }

json strategy(bool managed_push) {
  json steps = json::array({{{"name", managed_push ? "build" : "build-and-push"},
                             {"args", managed_push ? "--output $(params.shp-output-directory)" : "push"}}});
  return {{"spec", {{"steps", steps}, {"parameters", json::array({{{"name", "dockerfile"}, {"default", "Dockerfile"}},
                                                                  {{"name", "build-args"}, {"type", "array"}, {"defaults", json::array()}},
                                                                  {{"name", "target"}}})}}}};
}

plan_inputs inputs(scenario knobs, bool fails, bool managed = true) {
  json spec = {{"source", {{"type", "Git"}, {"git", {{"url", "https://git.example/app"}}}}},
               {"output", {{"image", "reg.example/app:1"}}}};
  return {"ci", "run", "run-abcde", spec, strategy(managed), std::move(knobs), fails, 3};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_logic)

BOOST_AUTO_TEST_CASE(scenario_knobs_parse_and_bad_ones_name_the_annotation) {
  auto s = read_scenario(annotated({{"sim.brokkr.io/duration", "250ms"}, {"sim.brokkr.io/reason", "GitRevisionNotFound"},
                                    {"sim.brokkr.io/fail-times", "2"}, {"sim.brokkr.io/failed-step", "step-build"},
                                    {"sim.brokkr.io/vulnerabilities", "CVE-1:H,CVE-2:L,CVE-3:C"}}),
                         1s);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->duration.count() == 250);
  BOOST_TEST(s->fail);  // a reason alone means fail
  BOOST_TEST(s->failed_step == "build");
  BOOST_TEST(s->run_fails(1, 0, "any"));
  BOOST_TEST(!s->run_fails(2, 0, "any"));
  BOOST_TEST(s->vulnerabilities.size() == 3u);
  BOOST_TEST(s->vulnerabilities[2].severity == "critical");
  BOOST_TEST(read_scenario(json::object(), 2s)->duration.count() == 2000);
  BOOST_TEST(!read_scenario(annotated({{"sim.brokkr.io/outcome", "succeed"}, {"sim.brokkr.io/reason", "X"}}), 1s)->fail);
  auto bad = read_scenario(annotated({{"sim.brokkr.io/duration", "soon"}, {"sim.brokkr.io/outcome", "maybe"},
                                      {"sim.brokkr.io/fail-times", "-1"}, {"sim.brokkr.io/vulnerabilities", "CVE-1"}}),
                           1s);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().size() == 4u);
  BOOST_TEST(bad.error()[0].field == "metadata.annotations[sim.brokkr.io/duration]");
  BOOST_TEST(read_scenario(annotated({{"sim.brokkr.io/fail-attempts", "x"}}), 1s).error()[0].field ==
             "metadata.annotations[sim.brokkr.io/fail-attempts]");
}

BOOST_AUTO_TEST_CASE(fail_attempts_and_fail_in_choose_which_runs_fail) {
  auto s = read_scenario(annotated({{"sim.brokkr.io/fail-attempts", "2"}, {"sim.brokkr.io/reason", "GitError"}}), 1s);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->run_fails(5, 1, "east"));   // attempt 1 fails however often this cluster ran the Build
  BOOST_TEST(s->run_fails(0, 2, "east"));
  BOOST_TEST(!s->run_fails(0, 3, "east"));  // attempt 3 succeeds even as the cluster's first run
  BOOST_TEST(!s->run_fails(0, 0, "east"));  // a BuildRun without the label is not an attempt
  BOOST_TEST(brokkr_attempt(json{{"metadata", {{"labels", {{"brokkr.io/attempt", "3"}}}}}}) == 3);
  BOOST_TEST(brokkr_attempt(json{{"metadata", {{"labels", {{"brokkr.io/attempt", "x"}}}}}}) == 0);
  BOOST_TEST(brokkr_attempt(json::object()) == 0);
  auto local = read_scenario(annotated({{"sim.brokkr.io/outcome", "fail"}, {"sim.brokkr.io/fail-in", "east"}}), 1s);
  BOOST_REQUIRE(local);
  BOOST_TEST(local->run_fails(0, 1, "east"));
  BOOST_TEST(!local->run_fails(0, 1, "west"));
}

BOOST_AUTO_TEST_CASE(default_plan_succeeds_with_a_stable_digest) {
  const auto p = make_plan(inputs({.duration = 300ms}, false));
  BOOST_TEST(p.pod == "run-abcde-pod");
  BOOST_TEST((p.containers == std::vector<std::string>{"step-source-default", "step-build", "step-image-processing"}));
  BOOST_TEST(!p.fail);
  const auto st = terminal_status(p, std::chrono::system_clock::now());
  BOOST_TEST(st["conditions"][0]["status"] == "True");
  BOOST_TEST(st["output"]["digest"] == image_digest("reg.example/app:1", 3));
  BOOST_TEST(st["output"]["digest"].get<std::string>().size() == 71u);
  BOOST_TEST(st["source"]["git"]["commitSha"] == commit_sha("https://git.example/app", ""));
  BOOST_TEST(st["source"]["git"]["branchName"] == "main");
  BOOST_TEST(!st.contains("failureDetails"));
  const auto logs = step_logs(p);
  BOOST_TEST(logs.size() == 3u);
  BOOST_TEST(terminal_pod_status(p, std::chrono::system_clock::now())["phase"] == "Succeeded");
}

BOOST_AUTO_TEST_CASE(failure_plans_put_the_failure_where_shipwright_would) {
  auto git = make_plan(inputs({.reason = "GitRevisionNotFound"}, true));
  BOOST_TEST(git.failed_container == "step-source-default");
  auto st = terminal_status(git, std::chrono::system_clock::now());
  BOOST_TEST(st["conditions"][0]["reason"] == "Failed");
  BOOST_TEST(st["failureDetails"]["reason"] == "GitRevisionNotFound");
  BOOST_TEST(st["failureDetails"]["location"]["container"] == "step-source-default");
  BOOST_TEST(!st.contains("source"));
  BOOST_TEST(step_logs(git).size() == 1u);
  BOOST_TEST(step_logs(git).at("step-source-default").find("error: GitRevisionNotFound") != std::string::npos);
  auto push = make_plan(inputs({.failed_step = "image-processing"}, true));
  BOOST_TEST(push.failed_container == "step-image-processing");
  BOOST_TEST(terminal_status(push, {})["failureDetails"].contains("reason") == false);
  auto oom = make_plan(inputs({.reason = "StepOutOfMemory"}, true));
  BOOST_TEST(terminal_pod_status(oom, {})["containerStatuses"][1]["state"]["terminated"]["reason"] == "OOMKilled");
  auto evicted = make_plan(inputs({.reason = "PodEvicted"}, true));
  BOOST_TEST(terminal_pod_status(evicted, {})["reason"] == "Evicted");
  BOOST_TEST(terminal_status(evicted, {})["conditions"][0]["reason"] == "PodEvicted");
  auto other = make_plan(inputs({.reason = "TaskRunImagePullFailed"}, true));
  BOOST_TEST(terminal_status(other, {})["conditions"][0]["reason"] == "TaskRunImagePullFailed");
  BOOST_TEST(!terminal_status(other, {}).contains("failureDetails"));
  auto managed = make_plan(inputs({}, true, false));
  BOOST_TEST(managed.failed_container == "step-build-and-push");
  BOOST_TEST(!managed.image_processing);
}

BOOST_AUTO_TEST_CASE(vulnerabilities_timeouts_and_ignore_rules) {
  auto in = inputs({.vulnerabilities = {{"CVE-1", "high"}, {"CVE-2", "low"}, {"CVE-3", "medium"}}}, false);
  in.spec["output"]["vulnerabilityScan"] = {{"enabled", true}, {"failOnFinding", true},
                                            {"ignore", {{"id", {"CVE-3"}}, {"severity", "low"}}}};
  auto p = make_plan(in);
  BOOST_TEST(p.fail);
  BOOST_TEST(p.condition_reason == "VulnerabilitiesFound");
  BOOST_TEST(p.vulnerabilities.size() == 1u);  // CVE-2 (low) and CVE-3 (by id) ignored
  BOOST_TEST(terminal_pod_status(p, {})["containerStatuses"][2]["state"]["terminated"]["exitCode"] == 22);
  auto listed = inputs({.vulnerabilities = {{"CVE-1", "high"}}}, false, false);
  listed.spec["output"]["vulnerabilityScan"] = {{"enabled", true}, {"failOnFinding", true}};
  const auto strategy_push = make_plan(listed);  // strategy-managed push: listed, not failed
  BOOST_TEST(!strategy_push.fail);
  BOOST_TEST(terminal_status(strategy_push, {})["output"]["vulnerabilities"].size() == 1u);
  auto slow = inputs({.duration = 10s}, false);
  slow.spec["timeout"] = "2s";
  const auto timed_out = make_plan(slow);
  BOOST_TEST(timed_out.condition_reason == "BuildRunTimeout");
  BOOST_TEST(timed_out.duration.count() == 2000);
  BOOST_TEST(terminal_status(timed_out, {})["conditions"][0]["message"] == "BuildRun run failed to finish within 2s");
}

BOOST_AUTO_TEST_CASE(schema_prunes_reports_and_validates) {
  const json schema = {
      {"type", "object"},
      {"properties",
       {{"apiVersion", {{"type", "string"}}},
        {"kind", {{"type", "string"}}},
        {"metadata", {{"type", "object"}}},
        {"spec", {{"type", "object"}, {"required", {"output"}},
                  {"properties", {{"output", {{"type", "object"}, {"required", {"image"}},
                                              {"properties", {{"image", {{"type", "string"}}}}}}},
                                  {"timeout", {{"type", "string"}, {"format", "duration"}}},
                                  {"mode", {{"type", "string"}, {"enum", {"a", "b"}}, {"default", "a"}}},
                                  {"count", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3}}},
                                  {"port", {{"x-kubernetes-int-or-string", true}}},
                                  {"items", {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}}},
                                  {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
                                  {"free", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}};
  json ok = {{"apiVersion", "v"}, {"kind", "K"}, {"metadata", {{"name", "x"}, {"labels", {{"a", "b"}}}}},
             {"spec", {{"output", {{"image", "i"}}}, {"timeout", "1m"}, {"port", "http"}, {"labels", {{"k", "v"}}},
                       {"free", {{"anything", {{"goes", 1}}}}}, {"unknown", 1}, {"count", nullptr}}}};
  auto r = validate_object(ok, schema);
  BOOST_TEST(r.errors.empty());
  BOOST_TEST(r.unknown_fields == std::vector<std::string>{"spec.unknown"});
  BOOST_TEST(!ok["spec"].contains("unknown"));
  BOOST_TEST(!ok["spec"].contains("count"));  // a null of a non-nullable field is dropped
  BOOST_TEST(ok["spec"]["mode"] == "a");     // defaulted
  json bad = {{"metadata", {{"name", "x"}, {"bogus", 1}, {"labels", {{"a", 1}}}}},
              {"spec", {{"timeout", "soon"}, {"mode", "c"}, {"count", 9}, {"items", json::array()}, {"port", 1.5},
                        {"labels", {{"k", 1}}}}}};
  auto e = validate_object(bad, schema);
  std::set<std::string> fields;
  for (const auto& c : e.errors) fields.insert(c.field);
  for (const auto* f : {"spec.output", "spec.timeout", "spec.mode", "spec.count", "spec.items", "spec.port",
                        "spec.labels.k", "metadata.labels.a"})
    BOOST_TEST(fields.count(f) == 1u, f);
  BOOST_TEST(e.unknown_fields == std::vector<std::string>{"metadata.bogus"});
}

BOOST_AUTO_TEST_CASE(real_crd_schemas_are_loaded) {
  resource_registry reg;
  const auto& br = reg.get(resources::buildruns);
  BOOST_TEST(br.is_crd);
  BOOST_TEST(br.has_status);
  BOOST_TEST(br.short_names == (std::vector<std::string>{"br", "brs"}));
  BOOST_TEST(br.printer_columns.size() == 4u);
  json run = {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "BuildRun"}, {"metadata", {{"name", "r"}}},
              {"spec", {{"build", {{"name", "b"}}}, {"timeout", "nope"}, {"bogus", true}}}};
  auto r = validate_object(run, br.schema);
  BOOST_TEST(r.unknown_fields == std::vector<std::string>{"spec.bogus"});
  BOOST_REQUIRE(r.errors.size() == 1u);
  BOOST_TEST(r.errors[0].field == "spec.timeout");
  BOOST_TEST(!reg.find("x", "v1", "y"));
  BOOST_TEST(reg.group_versions().size() == 3u);
}

BOOST_AUTO_TEST_CASE(server_side_apply_ownership_and_conflicts) {
  const json applied = {{"apiVersion", "v1"}, {"metadata", {{"name", "x"}, {"labels", {{"a", "1"}}}}},
                        {"spec", {{"image", "i1"}, {"keep", true}}}};
  auto created = server_side_apply(nullptr, applied, "agent", false, "x");
  BOOST_REQUIRE(created);
  BOOST_TEST((*created)["metadata"]["managedFields"][0]["manager"] == "agent");
  BOOST_TEST((*created)["metadata"]["managedFields"][0]["operation"] == "Apply");
  // Another manager setting a field to another value conflicts; force takes it.
  json other = applied;
  other["spec"] = {{"image", "i2"}};
  auto conflict = server_side_apply(*created, other, "kubectl", false, "builds.shipwright.io \"x\"");
  BOOST_REQUIRE(!conflict);
  BOOST_TEST(conflict.error().code == 409);
  BOOST_TEST(conflict.error().details.causes.at(0).field == ".spec.image");
  auto forced = server_side_apply(*created, other, "kubectl", true, "x");
  BOOST_REQUIRE(forced);
  BOOST_TEST((*forced)["spec"]["image"] == "i2");
  BOOST_TEST((*forced)["spec"]["keep"] == true);  // still owned by agent
  // The same manager dropping a field it owned removes it.
  json less = applied;
  less["spec"].erase("keep");
  auto dropped = server_side_apply(*created, less, "agent", false, "x");
  BOOST_REQUIRE(dropped);
  BOOST_TEST(!(*dropped)["spec"].contains("keep"));
  // An update takes ownership of what it changed.
  json updated = *created;
  updated["spec"]["image"] = "i3";
  record_update(&*created, updated, "kubectl-edit");
  auto sets = updated["metadata"]["managedFields"];
  BOOST_TEST(sets.size() == 2u);
  const field_set expected_set{{"spec", "image"}};
  BOOST_TEST((from_fields_v1(sets[1]["fieldsV1"]) == expected_set));
  BOOST_TEST(field_path_text({"spec", "image"}) == ".spec.image");
}

BOOST_AUTO_TEST_CASE(tables_and_json_path) {
  resource_registry reg;
  const json run = {{"metadata", {{"name", "r1"}, {"creationTimestamp", "2020-01-01T00:00:00Z"}}},
                    {"status", {{"conditions", {{{"type", "Other"}, {"status", "X"}},
                                                {{"type", "Succeeded"}, {"status", "True"}, {"reason", "Succeeded"}}}},
                                {"startTime", "2020-01-01T00:00:00Z"}}}};
  BOOST_TEST(eval_json_path(run, ".status.conditions[?(@.type==\"Succeeded\")].reason") == "Succeeded");
  BOOST_TEST(eval_json_path(run, ".status.conditions[0].type") == "Other");
  BOOST_TEST(eval_json_path(run, ".status.conditions[*].status") == "X");
  BOOST_TEST(eval_json_path(run, ".status.nothing").is_null());
  const auto t = make_table(reg.get(resources::buildruns), {run}, "5");
  BOOST_TEST(t["kind"] == "Table");
  BOOST_TEST(t["columnDefinitions"].size() == 5u);
  BOOST_TEST(t["rows"][0]["cells"][0] == "r1");
  BOOST_TEST(t["rows"][0]["cells"][1] == "True");
  BOOST_TEST(t["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
  BOOST_TEST(make_table(reg.get(resources::pods), {run}, "5")["columnDefinitions"][1]["name"] == "Age");
  BOOST_TEST(wants_table("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  BOOST_TEST(human_age(45) == "45s");
  BOOST_TEST(human_age(200) == "3m20s");
  BOOST_TEST(human_age(3600 * 5) == "5h");
  BOOST_TEST(human_age(3600 * 30) == "30h");
  BOOST_TEST(human_age(3600 * 50) == "2d2h");
  BOOST_TEST(human_age(-5) == "0s");
}

// A follower gets the text so far and, atomically with it, every append after it, until the
// container finishes or the pod goes; a late follower of a finished container only gets the text.
BOOST_AUTO_TEST_CASE(log_followers_see_appends_then_the_end) {
  pod_logs logs;
  BOOST_TEST(!logs.follow("ns", "p", "step-build", [](const std::string&, bool) {}).text);  // not started
  logs.append("ns", "p", "step-build", "STEP 1\n");
  std::string seen;
  int ends = 0;
  auto start = logs.follow("ns", "p", "step-build", [&](const std::string& text, bool ended) {
    seen += text;
    ends += ended ? 1 : 0;
  });
  BOOST_TEST(*start.text == "STEP 1\n");
  BOOST_TEST(!start.finished);
  BOOST_TEST(start.id != 0u);
  logs.append("ns", "p", "step-build", "STEP 2\n");
  logs.append("ns", "p", "step-other", "elsewhere\n");
  BOOST_TEST(seen == "STEP 2\n");
  logs.finish("ns", "p", "step-build");
  BOOST_TEST(ends == 1);
  logs.append("ns", "p", "step-build", "late\n");  // no follower any more
  BOOST_TEST(seen == "STEP 2\n");
  auto late = logs.follow("ns", "p", "step-build", [](const std::string&, bool) {});
  BOOST_TEST(late.finished);
  BOOST_TEST(late.id == 0u);
  BOOST_TEST(*late.text == "STEP 1\nSTEP 2\nlate\n");

  // Unfollowing stops delivery; deleting the pod ends the others.
  std::string a, b;
  int b_ends = 0;
  auto fa = logs.follow("ns", "p", "step-other", [&](const std::string& t, bool) { a += t; });
  logs.follow("ns", "p", "step-other", [&](const std::string& t, bool ended) {
    b += t;
    b_ends += ended ? 1 : 0;
  });
  logs.unfollow(fa.id);
  logs.append("ns", "p", "step-other", "more\n");
  BOOST_TEST(a.empty());
  BOOST_TEST(b == "more\n");
  logs.erase_pod("ns", "p");
  BOOST_TEST(b_ends == 1);
}

BOOST_AUTO_TEST_CASE(log_tail_and_limit) {
  const std::string log = "a\nb\nc\n";
  BOOST_TEST(tail_log(log, 2, std::nullopt) == "b\nc\n");
  BOOST_TEST(tail_log(log, 10, std::nullopt) == log);
  BOOST_TEST(tail_log(log, 0, std::nullopt) == "");
  BOOST_TEST(tail_log(log, std::nullopt, 3) == "a\nb");
  BOOST_TEST(tail_log(log, 1, 1) == "c");
  pod_logs logs;
  BOOST_TEST(!logs.get("ns", "p", "c"));
  logs.append("ns", "p", "c", "x");
  logs.append("ns", "p", "c", "y");
  BOOST_TEST(*logs.get("ns", "p", "c") == "xy");
  logs.erase_pod("ns", "p");
  BOOST_TEST(!logs.get("ns", "p", "c"));
}

BOOST_AUTO_TEST_CASE(fault_rules) {
  auto f = parse_fault({{"type", "http-error"}, {"code", 429}, {"times", 2}, {"pathPrefix", "/apis"}, {"method", "GET"}});
  BOOST_REQUIRE(f);
  fault_injector inj;
  inj.add(*f);
  BOOST_TEST(!inj.take("POST", "/apis/x", false));
  BOOST_TEST(!inj.take("GET", "/api/v1", false));
  BOOST_TEST(inj.take("GET", "/apis/x", false).has_value());
  BOOST_TEST(inj.list().size() == 1u);
  BOOST_TEST(inj.take("GET", "/apis/x", true).has_value());
  BOOST_TEST(inj.list().empty());
  auto w = parse_fault({{"type", "watch-gone-event"}});
  BOOST_REQUIRE(w);
  inj.add(*w);
  BOOST_TEST(!inj.take("GET", "/apis/x", false));  // only watches
  BOOST_TEST(to_json(*inj.take("GET", "/apis/x", true))["type"] == "watch-gone-event");
  inj.add(*parse_fault({{"times", -1}}));
  inj.clear();
  BOOST_TEST(inj.list().empty());
  for (const json& bad : {json::array(), json{{"type", "nope"}}, json{{"code", 200}}, json{{"times", 0}},
                         json{{"code", "x"}}, json{{"retryAfterSeconds", -1}}})
    BOOST_TEST(!parse_fault(bad), bad.dump());
}

BOOST_AUTO_TEST_CASE(build_validation_reasons) {
  std::set<std::string> secrets{"present"};
  cluster_view view;
  view.secret_exists = [&](const std::string&, const std::string& n) { return secrets.count(n) > 0; };
  view.strategy = [](const std::string& kind, const std::string&, const std::string& n) -> std::optional<json> {
    if (kind == "ClusterBuildStrategy" && n == "cbs") {
      json s = strategy(true);
      s["spec"]["volumes"] = json::array({{{"name", "cache"}, {"overridable", true}}, {{"name", "fixed"}}});
      return s;
    }
    return std::nullopt;
  };
  auto build = [](json spec) {
    json b = {{"metadata", {{"name", "b"}, {"namespace", "ci"}}},
              {"spec", {{"strategy", {{"kind", "ClusterBuildStrategy"}, {"name", "cbs"}}}, {"output", {{"image", "i"}}}}}};
    if (spec.is_object()) b["spec"].update(spec);
    return b;
  };
  auto reason = [&](json spec) {
    const auto f = validate_build(build(std::move(spec)), view);
    return f ? f->reason : std::string("Succeeded");
  };
  BOOST_TEST(reason({}) == "Succeeded");
  BOOST_TEST(reason({{"strategy", {{"kind", "Weird"}, {"name", "cbs"}}}}) == "UnknownBuildStrategyKind");
  BOOST_TEST(reason({{"strategy", {{"name", "cbs"}}}}) == "BuildStrategyNotFound");
  BOOST_TEST(reason({{"strategy", {{"kind", "ClusterBuildStrategy"}, {"name", "nope"}}}}) == "ClusterBuildStrategyNotFound");
  BOOST_TEST(reason({{"source", {{"type", "Git"}, {"git", {{"url", "u"}, {"cloneSecret", "missing"}}}}}}) == "SpecSourceSecretRefNotFound");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"pushSecret", "missing"}}}}) == "SpecOutputSecretRefNotFound");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"pushSecret", "gone"}}},
                     {"source", {{"type", "OCI"}, {"ociArtifact", {{"image", "x"}, {"pullSecret", "also"}}}}}}) == "MultipleSecretRefNotFound");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"pushSecret", "present"}}}}) == "Succeeded");
  BOOST_TEST(reason({{"paramValues", {{{"name", "shp-source-root"}, {"value", "x"}}}}}) == "RestrictedParametersInUse");
  BOOST_TEST(reason({{"paramValues", {{{"name", "nope"}, {"value", "x"}}}}}) == "UndefinedParameter");
  BOOST_TEST(reason({{"paramValues", {{{"name", "build-args"}, {"value", "x"}}}}}) == "WrongParameterValueType");
  BOOST_TEST(reason({{"paramValues", {{{"name", "dockerfile"}, {"values", {{{"value", "x"}}}}}}}}) == "WrongParameterValueType");
  BOOST_TEST(reason({{"paramValues", {{{"name", "build-args"}, {"value", "y"}, {"values", {{{"value", "x"}}}}}}}}) == "InconsistentParameterValues");
  BOOST_TEST(reason({{"paramValues", {{{"name", "dockerfile"}, {"value", "x"}, {"secretValue", {{"name", "s"}, {"key", "k"}}}}}}}) == "InconsistentParameterValues");
  BOOST_TEST(reason({{"paramValues", {{{"name", "build-args"}, {"values", {json::object()}}}}}}) == "EmptyArrayItemParameterValues");
  BOOST_TEST(reason({{"paramValues", {{{"name", "dockerfile"}, {"configMapValue", {{"name", "c"}}}}}}}) == "IncompleteConfigMapValueParameterValues");
  BOOST_TEST(reason({{"paramValues", {{{"name", "dockerfile"}, {"secretValue", {{"key", "k"}}}}}}}) == "IncompleteSecretValueParameterValues");
  BOOST_TEST(reason({{"volumes", {{{"name", "nope"}}}}}) == "UndefinedVolume");
  BOOST_TEST(reason({{"volumes", {{{"name", "fixed"}}}}}) == "VolumeNotOverridable");
  BOOST_TEST(reason({{"volumes", {{{"name", "cache"}}}}}) == "Succeeded");
  BOOST_TEST(reason({{"strategy", {{"kind", "ClusterBuildStrategy"}, {"name", "cbs"}, {"stepResources", {{{"name", "x"}}}}}}}) == "UndefinedStepResource");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"timestamp", "SourceTimestamp"}}}}) == "OutputTimestampNotSupported");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"timestamp", "later"}}}}) == "OutputTimestampNotValid");
  BOOST_TEST(reason({{"output", {{"image", "i"}, {"timestamp", "1700000000"}}}}) == "Succeeded");
  BOOST_TEST(reason({{"env", {{{"name", ""}}}}}) == "SpecEnvNameCanNotBeBlank");
  BOOST_TEST(reason({{"env", {{{"name", "A"}, {"value", "1"}, {"valueFrom", json::object()}}}}}) == "SpecEnvOnlyOneOfValueOrValueFromMustBeSpecified");
  json long_name = build({});
  long_name["metadata"]["name"] = std::string(64, 'a');
  BOOST_TEST(validate_build(long_name, view)->reason == "BuildNameInvalid");
  json verify = build({{"source", {{"type", "Git"}, {"git", {{"url", "https://x.invalid/r"}}}}}});
  verify["metadata"]["annotations"]["build.shipwright.io/verify.repository"] = "yes";
  BOOST_TEST(validate_build(verify, view)->reason == "RemoteRepositoryUnreachable");
  verify["metadata"]["annotations"]["build.shipwright.io/verify.repository"] = "true";
  BOOST_TEST(validate_build(verify, view)->reason == "RemoteRepositoryUnreachable");
  // BuildRuns also check for missing values and use another unknown-kind reason.
  BOOST_TEST(validate_params(json::array(), strategy(true), check_for::buildrun)->reason == "MissingParameterValues");
  BOOST_TEST(!validate_params(json::array({{{"name", "target"}, {"value", ""}}}), strategy(true), check_for::buildrun));
  BOOST_TEST(resolve_strategy({{"strategy", {{"kind", "X"}}}}, "ci", view, check_for::buildrun).error().reason == "UnknownStrategyKind");
}

BOOST_AUTO_TEST_CASE(discovery_documents) {
  resource_registry reg;
  discovery d(reg);
  BOOST_TEST(d.version()["minor"] == "32");
  BOOST_TEST(d.api_group_list()["groups"].size() == 2u);
  BOOST_TEST(d.api_group("shipwright.io")->at("preferredVersion")["version"] == "v1beta1");
  BOOST_TEST(!d.api_group("nope"));
  const auto list = d.resource_list("shipwright.io", "v1beta1");
  BOOST_REQUIRE(list);
  bool status_sub = false;
  for (const auto& r : (*list)["resources"]) status_sub = status_sub || r["name"] == "buildruns/status";
  BOOST_TEST(status_sub);
  BOOST_TEST(!d.resource_list("shipwright.io", "v1alpha1"));
  const auto idx = d.openapi_index();
  BOOST_TEST(idx["paths"]["apis/shipwright.io/v1beta1"]["serverRelativeURL"].get<std::string>().find("hash=") !=
             std::string::npos);
  const auto doc = d.openapi_document("shipwright.io", "v1beta1");
  BOOST_REQUIRE(doc);
  const auto& patch = (*doc)["paths"]["/apis/shipwright.io/v1beta1/namespaces/{namespace}/builds/{name}"]["patch"];
  BOOST_TEST(patch["x-kubernetes-group-version-kind"]["kind"] == "Build");
  BOOST_TEST((*doc)["components"]["schemas"].contains("io.shipwright.v1beta1.Build"));
  BOOST_TEST(d.openapi_document("", "v1")->at("components")["schemas"].contains("io.k8s.api.core.v1.Pod"));
  BOOST_TEST(!d.openapi_document("x", "v9"));
  BOOST_TEST(d.api_versions("h:1")["serverAddressByClientCIDRs"][0]["serverAddress"] == "h:1");
}

BOOST_AUTO_TEST_SUITE_END()

// Query values as apimachinery converts them: booleans are true unless absent, "0" or "false" in any
// case; integers are whole decimal int64 values, an optional '+' allowed.
BOOST_AUTO_TEST_CASE(query_values_parse_as_the_api_server_parses_them) {
  const auto flag = [](std::string_view raw) {
    return query_flag(*brokkr::http::parse_query(raw), "watch");
  };
  for (const char* yes : {"watch=true", "watch=True", "watch=TRUE", "watch=1", "watch=t", "watch=yes", "watch=",
                          "watch", "watch=2"})
    BOOST_TEST_CONTEXT(yes) { BOOST_TEST(flag(yes)); }
  for (const char* no : {"", "other=1", "watch=false", "watch=False", "watch=FALSE", "watch=fAlSe", "watch=0",
                         "watch=0&watch=1"})
    BOOST_TEST_CONTEXT(no) { BOOST_TEST(!flag(no)); }

  const auto count = [](std::string_view raw, bool& bad) {
    return query_count(*brokkr::http::parse_query(raw), "n", bad);
  };
  bool bad = false;
  BOOST_TEST(count("n=42", bad).value_or(-1) == 42);
  BOOST_TEST(count("n=%2B7", bad).value_or(-1) == 7);
  BOOST_TEST(!count("n=", bad).has_value());
  BOOST_TEST(!count("", bad).has_value());
  BOOST_TEST(!bad);
  for (const char* wrong : {"n=5x", "n=-1", "n=x", "n=%2B-3", "n=1.5", "n=99999999999999999999", "n= 5", "n=%2B"}) {
    bool b = false;
    BOOST_TEST_CONTEXT(wrong) {
      BOOST_TEST(!count(wrong, b).has_value());
      BOOST_TEST(b);
    }
  }
  bool neg_bad = false;
  BOOST_TEST(query_int(*brokkr::http::parse_query("limit=-3"), "limit", neg_bad).value_or(0) == -3);
  BOOST_TEST(!neg_bad);
}
