// Every patch type against the simulated API server (reference/shipwright.md section 12).
#include "sim_fixture.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;

BOOST_FIXTURE_TEST_SUITE(client_patch, sim_fixture)

BOOST_AUTO_TEST_CASE(merge_patch_sets_and_deletes_keys) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("m")));
  auto p = api.patch(resources::builds, "ci", "m", patch_type::merge,
                     {{"metadata", {{"labels", {{"team", "a"}}}}}, {"spec", {{"timeout", "5m"}}}},
                     {.field_manager = "test"});
  BOOST_REQUIRE_MESSAGE(p.has_value(), (p ? std::string() : describe(p.error())));
  BOOST_TEST((*p)["metadata"]["labels"]["team"] == "a");
  BOOST_TEST((*p)["spec"]["timeout"] == "5m");
  BOOST_TEST((*p)["metadata"]["generation"] == 2);
  auto removed = api.patch(resources::builds, "ci", "m", patch_type::merge, {{"spec", {{"timeout", nullptr}}}});
  BOOST_REQUIRE(removed);
  BOOST_TEST(!(*removed)["spec"].contains("timeout"));
  // A resourceVersion in the patch is checked.
  auto stale = api.patch(resources::builds, "ci", "m", patch_type::merge,
                         {{"metadata", {{"resourceVersion", "1"}}}, {"spec", {{"timeout", "1m"}}}});
  BOOST_TEST(is_conflict(stale.error()));
  // A patch whose result breaks the schema is Invalid.
  auto broken = api.patch(resources::builds, "ci", "m", patch_type::merge, {{"spec", {{"output", nullptr}}}});
  BOOST_TEST(is_invalid(broken.error()));
  BOOST_TEST(is_not_found(api.patch(resources::builds, "ci", "none", patch_type::merge, json::object()).error()));
  BOOST_TEST(api.patch(resources::builds, "ci", "", patch_type::merge, json::object()).error().reason == "InvalidArgument");
}

BOOST_AUTO_TEST_CASE(json_patch_operations_and_failures) {
  BOOST_REQUIRE(api.create(resources::buildruns, "ci", buildrun_object("j", "nothing")));
  // Cancel as the agent should: JSON patch "add" works whether /spec/state exists or not.
  auto add = api.patch(resources::buildruns, "ci", "j", patch_type::json,
                       json::array({{{"op", "add"}, {"path", "/spec/state"}, {"value", "BuildRunCanceled"}}}));
  BOOST_REQUIRE_MESSAGE(add.has_value(), (add ? std::string() : describe(add.error())));
  BOOST_TEST((*add)["spec"]["state"] == "BuildRunCanceled");
  auto test_ok = api.patch(resources::buildruns, "ci", "j", patch_type::json,
                           json::array({{{"op", "test"}, {"path", "/spec/state"}, {"value", "BuildRunCanceled"}},
                                        {{"op", "copy"}, {"from", "/spec/build/name"}, {"path", "/metadata/labels"}}}));
  BOOST_TEST(!test_ok);  // copying a string over labels breaks the schema
  auto failing_test = api.patch(resources::buildruns, "ci", "j", patch_type::json,
                                json::array({{{"op", "test"}, {"path", "/spec/state"}, {"value", "other"}}}));
  BOOST_REQUIRE(!failing_test);
  BOOST_TEST(failing_test.error().code == 422);
  // RFC 6902: replace needs the path to exist.
  auto replace_missing = api.patch(resources::buildruns, "ci", "j", patch_type::json,
                                   json::array({{{"op", "replace"}, {"path", "/spec/timeout"}, {"value", "1m"}}}));
  BOOST_TEST(replace_missing.error().code == 422);
  auto not_array = api.patch(resources::buildruns, "ci", "j", patch_type::json, json::object());
  BOOST_TEST(not_array.error().code == 400);
  auto moved = api.patch(resources::buildruns, "ci", "j", patch_type::json,
                         json::array({{{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"a", "1"}}}},
                                      {{"op", "move"}, {"from", "/metadata/labels/a"}, {"path", "/metadata/labels/b"}},
                                      {{"op", "remove"}, {"path", "/spec/state"}}}));
  BOOST_REQUIRE(moved);
  BOOST_TEST((*moved)["metadata"]["labels"]["b"] == "1");
  BOOST_TEST(!(*moved)["spec"].contains("state"));
}

BOOST_AUTO_TEST_CASE(strategic_merge_is_refused_for_custom_resources_only) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("s")));
  auto refused = api.patch(resources::builds, "ci", "s", patch_type::strategic, {{"spec", {{"timeout", "1m"}}}});
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().code == 415);
  BOOST_TEST(refused.error().reason == "UnsupportedMediaType");
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("c")));
  auto builtin = api.patch(resources::configmaps, "ci", "c", patch_type::strategic, {{"data", {{"x", "y"}}}});
  BOOST_REQUIRE(builtin);
  BOOST_TEST((*builtin)["data"]["x"] == "y");
  BOOST_TEST((*builtin)["data"]["k"] == "v");
}

BOOST_AUTO_TEST_CASE(server_side_apply_creates_updates_conflicts_and_forces) {
  json b = build_object("ssa");
  b["metadata"]["namespace"] = "ci";
  auto created = api.apply(resources::builds, "ci", b, "brokkr-agent");
  BOOST_REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : describe(created.error())));
  BOOST_TEST((*created)["metadata"]["managedFields"][0]["manager"] == "brokkr-agent");
  const auto registered = wait_for(api, resources::builds, "ci", "ssa", [](const json& o) { return o.contains("status"); });
  BOOST_REQUIRE(!registered.is_null());
  const auto rv = registered["metadata"]["resourceVersion"];
  // Applying the same configuration again changes nothing.
  auto again = api.apply(resources::builds, "ci", b, "brokkr-agent");
  BOOST_REQUIRE(again);
  BOOST_TEST((*again)["metadata"]["resourceVersion"] == rv);
  BOOST_TEST((*again)["metadata"]["generation"] == 1);
  // Another manager changing a field we own conflicts, unless forced.
  json theirs = b;
  theirs["spec"]["output"]["image"] = "registry.example.com/other:9";
  auto conflict = api.apply(resources::builds, "ci", theirs, "kubectl");
  BOOST_REQUIRE(!conflict);
  BOOST_TEST(is_conflict(conflict.error()));
  BOOST_TEST(conflict.error().details.causes.at(0).field == ".spec.output.image");
  auto forced = api.apply(resources::builds, "ci", theirs, "kubectl", true);
  BOOST_REQUIRE(forced);
  BOOST_TEST((*forced)["spec"]["output"]["image"] == "registry.example.com/other:9");
  BOOST_TEST((*forced)["metadata"]["generation"] == 2);
  // A partial configuration is fine; a manager dropping a field it alone applied removes it.
  const json tuner = {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "Build"}, {"metadata", {{"name", "ssa"}}},
                      {"spec", {{"timeout", "9m"}}}};
  auto tuned = api.apply(resources::builds, "ci", tuner, "tuner");
  BOOST_REQUIRE_MESSAGE(tuned.has_value(), (tuned ? std::string() : describe(tuned.error())));
  BOOST_TEST((*tuned)["spec"]["timeout"] == "9m");
  BOOST_TEST((*tuned)["spec"]["output"]["image"] == "registry.example.com/other:9");
  json untuned = tuner;
  untuned["spec"] = json::object();
  auto dropped = api.apply(resources::builds, "ci", untuned, "tuner");
  BOOST_REQUIRE_MESSAGE(dropped.has_value(), (dropped ? std::string() : describe(dropped.error())));
  BOOST_TEST(!(*dropped)["spec"].contains("timeout"));
  // The merged result must still be valid.
  json breaking = tuner;
  breaking["spec"] = {{"timeout", "never"}};
  BOOST_TEST(is_invalid(api.apply(resources::builds, "ci", breaking, "tuner").error()));
  BOOST_TEST(api.patch(resources::builds, "ci", "ssa", patch_type::apply, b).error().reason == "InvalidArgument");
  brokkr::http::client raw;
  auto no_manager = raw.perform({.method = "PATCH", .url = sim.server_url() + resources::builds.path("ci", "ssa"),
                                 .headers = {{"Authorization", "Bearer " + sim.token()},
                                             {"Content-Type", "application/apply-patch+yaml"}},
                                 .body = b.dump()});
  BOOST_TEST(no_manager->status == 422);
  auto bad_type = raw.perform({.method = "PATCH", .url = sim.server_url() + resources::builds.path("ci", "ssa"),
                               .headers = {{"Authorization", "Bearer " + sim.token()}, {"Content-Type", "text/plain"}},
                               .body = "x"});
  BOOST_TEST(bad_type->status == 415);
}

BOOST_AUTO_TEST_CASE(patches_to_the_status_subresource) {
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("unused")));
  BOOST_REQUIRE(api.create(resources::jobs, "ci", {{"apiVersion", "batch/v1"}, {"kind", "Job"},
                                                   {"metadata", {{"name", "j"}, {"annotations", {{"sim.brokkr.io/duration", "10s"}}}}},
                                                   {"spec", {{"template", {{"spec", {{"containers", json::array()}}}}}}}}));
  auto st = api.patch(resources::jobs, "ci", "j", patch_type::merge, {{"status", {{"ready", 7}}}},
                      {.subresource = "status"});
  BOOST_REQUIRE_MESSAGE(st.has_value(), (st ? std::string() : describe(st.error())));
  BOOST_TEST((*st)["status"]["ready"] == 7);
  auto main = api.patch(resources::jobs, "ci", "j", patch_type::merge, {{"status", {{"ready", 8}}}});
  BOOST_REQUIRE(main);
  // The main resource ignores .status. Not "still 7": the sim's Job controller writes the status of
  // the running Job too, and under the sanitizers its write can land between the two patches.
  BOOST_TEST((*main)["status"].value("ready", -1) != 8);
  auto now = api.get(resources::jobs, "ci", "j");
  BOOST_REQUIRE(now);
  BOOST_TEST((*now)["status"].value("ready", -1) != 8);
}

BOOST_AUTO_TEST_SUITE_END()
