// k8s::client against the simulated API server over real HTTP: create, get, list, update, status,
// delete, and the errors of reference/shipwright.md section 12 as typed api_status values.
#include "sim_fixture.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;

BOOST_FIXTURE_TEST_SUITE(client_crud, sim_fixture)

BOOST_AUTO_TEST_CASE(create_get_and_already_exists) {
  auto created = api.create(resources::configmaps, "ci", configmap("a"));
  BOOST_REQUIRE(created);
  BOOST_TEST((*created)["metadata"]["namespace"] == "ci");
  BOOST_TEST((*created)["metadata"]["generation"] == 1);
  auto got = api.get(resources::configmaps, "ci", "a");
  BOOST_REQUIRE(got);
  BOOST_TEST((*got)["data"]["k"] == "v");
  auto dup = api.create(resources::configmaps, "ci", configmap("a"));
  BOOST_REQUIRE(!dup);
  BOOST_TEST(is_already_exists(dup.error()));
  BOOST_TEST(dup.error().code == 409);
  BOOST_TEST(dup.error().details.name == "a");
  auto missing = api.get(resources::buildruns, "ci", "nope");
  BOOST_REQUIRE(!missing);
  BOOST_TEST(is_not_found(missing.error()));
  BOOST_TEST(missing.error().message == "buildruns.shipwright.io \"nope\" not found");
  BOOST_TEST(missing.error().details.group == "shipwright.io");
  BOOST_TEST(missing.error().details.kind == "buildruns");
  auto no_ns = api.create(resources::configmaps, "elsewhere", configmap("b"));
  BOOST_TEST(is_not_found(no_ns.error()));
  BOOST_TEST(api.get(resources::configmaps, "ci", "").error().reason == "InvalidArgument");
}

BOOST_AUTO_TEST_CASE(generate_name_creates_distinct_objects) {
  json cm = configmap("");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "gen-";
  auto a = api.create(resources::configmaps, "ci", cm);
  auto b = api.create(resources::configmaps, "ci", cm);
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  const std::string na = (*a)["metadata"]["name"];
  BOOST_TEST(na.rfind("gen-", 0) == 0u);
  BOOST_TEST(na.size() == 9u);
  BOOST_TEST(na != (*b)["metadata"]["name"].get<std::string>());
  json nameless = configmap("");
  nameless["metadata"].erase("name");
  auto invalid = api.create(resources::configmaps, "ci", nameless);
  BOOST_REQUIRE(!invalid);
  BOOST_TEST(is_invalid(invalid.error()));
  BOOST_TEST(invalid.error().details.causes.at(0).field == "metadata.name");
}

BOOST_AUTO_TEST_CASE(list_with_selectors_and_pages) {
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE(api.create(resources::configmaps, "ci",
                             configmap("cm" + std::to_string(i), {{"team", i % 2 ? "odd" : "even"}, {"n", std::to_string(i)}})));
  auto all = api.list(resources::configmaps, "ci");
  BOOST_REQUIRE(all);
  BOOST_TEST(all->items.size() == 5u);
  BOOST_TEST(!all->resource_version.empty());
  BOOST_TEST(api.list(resources::configmaps, "ci", {.label_selector = "team=odd"})->items.size() == 2u);
  BOOST_TEST(api.list(resources::configmaps, "ci", {.label_selector = "n in (1,2,3),team!=odd"})->items.size() == 1u);
  BOOST_TEST(api.list(resources::configmaps, "ci", {.field_selector = "metadata.name=cm3"})->items.size() == 1u);
  BOOST_TEST(api.list(resources::configmaps, "", {.label_selector = "team"})->items.size() == 5u);  // all namespaces
  std::vector<std::string> names;
  list_options page{.limit = 2};
  do {
    auto p = api.list(resources::configmaps, "ci", page);
    BOOST_REQUIRE(p);
    for (const auto& o : p->items) names.push_back(o["metadata"]["name"]);
    page.continue_token = p->continue_token;
  } while (!page.continue_token.empty());
  BOOST_TEST(names.size() == 5u);
  auto bad_label = api.list(resources::configmaps, "ci", {.label_selector = "a b c"});
  BOOST_TEST(bad_label.error().code == 400);
  // Custom resources declare no selectable fields beyond name and namespace.
  auto bad_field = api.list(resources::builds, "ci", {.field_selector = "spec.output.image=x"});
  BOOST_REQUIRE(!bad_field);
  BOOST_TEST(bad_field.error().code == 400);
  BOOST_TEST(bad_field.error().message == "field label not supported: spec.output.image");
  BOOST_TEST(api.list(resources::builds, "ci", {.field_selector = "metadata.namespace=ci"}).has_value());
}

BOOST_AUTO_TEST_CASE(update_needs_the_current_resource_version) {
  BOOST_REQUIRE(api.create(resources::builds, "ci", build_object("b")));
  // The controller writes the registration right after the create: work on what it wrote.
  auto b = wait_for(api, resources::builds, "ci", "b", [](const json& o) { return o.contains("status"); });
  BOOST_REQUIRE(!b.is_null());
  json edit = b;
  edit["spec"]["output"]["image"] = "registry.example.com/x:2";
  auto updated = api.update(resources::builds, "ci", edit, {.field_manager = "test"});
  BOOST_REQUIRE_MESSAGE(updated.has_value(), (updated ? std::string() : describe(updated.error())));
  BOOST_TEST((*updated)["metadata"]["generation"] == 2);
  // Stale: b's version is gone.
  auto stale = api.update(resources::builds, "ci", edit);
  BOOST_REQUIRE(!stale);
  BOOST_TEST(is_conflict(stale.error()));
  BOOST_TEST(stale.error().message.find("the object has been modified") != std::string::npos);
  // Custom resources allow no unconditional update.
  json unconditional = *updated;
  unconditional["metadata"].erase("resourceVersion");
  auto rejected = api.update(resources::builds, "ci", unconditional);
  BOOST_REQUIRE(!rejected);
  BOOST_TEST(is_invalid(rejected.error()));
  BOOST_TEST(rejected.error().details.causes.at(0).field == "metadata.resourceVersion");
  // PUT never creates.
  json ghost = *updated;
  ghost["metadata"]["name"] = "ghost";
  BOOST_TEST(is_not_found(api.update(resources::builds, "ci", ghost).error()));
  json unnamed = *updated;
  unnamed["metadata"].erase("name");
  BOOST_TEST(api.update(resources::builds, "ci", unnamed).error().reason == "InvalidArgument");
  BOOST_TEST(api.update_status(resources::builds, "ci", unnamed).error().reason == "InvalidArgument");
}

BOOST_AUTO_TEST_CASE(status_subresource_rules) {
  auto b = api.create(resources::builds, "ci", build_object("s", {{"sim.brokkr.io/duration", "1s"}}));
  BOOST_REQUIRE(b);
  // The controller registers the Build through /status.
  const auto registered = wait_for(api, resources::builds, "ci", "s",
                                   [](const json& o) { return o.contains("status") && o["status"].contains("registered"); });
  BOOST_REQUIRE(!registered.is_null());
  BOOST_TEST(registered["status"]["registered"] == "True");
  // A status write changes only .status; a main write ignores .status.
  json st = registered;
  st["status"]["message"] = "edited";
  st["spec"]["output"]["image"] = "ignored";
  auto after = api.update_status(resources::builds, "ci", st);
  BOOST_REQUIRE_MESSAGE(after.has_value(), (after ? std::string() : describe(after.error())));
  BOOST_TEST((*after)["status"]["message"] == "edited");
  BOOST_TEST((*after)["spec"]["output"]["image"] != "ignored");
  BOOST_TEST((*after)["metadata"]["generation"] == 1);
  json main = *after;
  main["status"]["message"] = "not through main";
  auto m = api.update(resources::builds, "ci", main);
  BOOST_REQUIRE(m);
  BOOST_TEST((*m)["status"]["message"] == "edited");
}

BOOST_AUTO_TEST_CASE(schema_validation_and_field_validation_modes) {
  json b = build_object("v");
  b["spec"]["surprise"] = 1;
  auto strict = api.create(resources::builds, "ci", b, {.field_validation = "Strict"});
  BOOST_REQUIRE(!strict);
  BOOST_TEST(strict.error().code == 400);
  BOOST_TEST(strict.error().message == "strict decoding error: unknown field \"spec.surprise\"");
  auto warned = api.create(resources::builds, "ci", b);
  BOOST_REQUIRE(warned);
  BOOST_TEST(!(*warned)["spec"].contains("surprise"));  // pruned
  BOOST_REQUIRE(api.last_warnings().size() == 1u);
  BOOST_TEST(api.last_warnings()[0].find("unknown field") != std::string::npos);
  json invalid = build_object("w");
  invalid["spec"].erase("output");
  invalid["spec"]["timeout"] = "forever";
  auto bad = api.create(resources::builds, "ci", invalid);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(is_invalid(bad.error()));
  BOOST_TEST(bad.error().details.causes.size() == 2u);
  json knob = build_object("k", {{"sim.brokkr.io/duration", "whenever"}});
  auto bad_knob = api.create(resources::builds, "ci", knob);
  BOOST_REQUIRE(!bad_knob);
  BOOST_TEST(bad_knob.error().details.causes.at(0).field == "metadata.annotations[sim.brokkr.io/duration]");
  auto dry = api.create(resources::builds, "ci", build_object("dry"), {.dry_run = true});
  BOOST_REQUIRE(dry);
  BOOST_TEST(absent(api, resources::builds, "ci", "dry"));
  json wrong_kind = build_object("x");
  wrong_kind["kind"] = "BuildRun";
  BOOST_TEST(api.create(resources::builds, "ci", wrong_kind).error().code == 400);
  json wrong_ns = build_object("y");
  wrong_ns["metadata"]["namespace"] = "default";
  BOOST_TEST(api.create(resources::builds, "ci", wrong_ns).error().code == 400);
  BOOST_TEST(api.create(resources::builds, "ci", b, {.field_validation = "Loud"}).error().code == 400);
}

BOOST_AUTO_TEST_CASE(delete_with_preconditions_propagation_and_finalizers) {
  auto owner = api.create(resources::configmaps, "ci", configmap("owner"));
  BOOST_REQUIRE(owner);
  json dep = configmap("dep");
  dep["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"},
                                                     {"uid", (*owner)["metadata"]["uid"]}}});
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", dep));
  auto wrong_uid = api.remove(resources::configmaps, "ci", "owner", {.precondition_uid = "x"});
  BOOST_TEST(is_conflict(wrong_uid.error()));
  auto wrong_rv = api.remove(resources::configmaps, "ci", "owner", {.precondition_resource_version = "1"});
  BOOST_TEST(is_conflict(wrong_rv.error()));
  auto gone = api.remove(resources::configmaps, "ci", "owner",
                         {.policy = propagation::background, .precondition_uid = (*owner)["metadata"]["uid"]});
  BOOST_REQUIRE(gone);
  BOOST_TEST((*gone)["kind"] == "Status");
  BOOST_TEST((*gone)["status"] == "Success");
  BOOST_TEST((*gone)["details"]["uid"] == (*owner)["metadata"]["uid"]);
  BOOST_TEST(absent(api, resources::configmaps, "ci", "dep"));  // garbage-collected
  json held = configmap("held");
  held["metadata"]["finalizers"] = json::array({"example.com/keep"});
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", held));
  auto pending = api.remove(resources::configmaps, "ci", "held", {.policy = propagation::foreground});
  BOOST_REQUIRE(pending);
  BOOST_TEST((*pending)["metadata"].contains("deletionTimestamp"));  // the object, not a Status
  auto release = api.patch(resources::configmaps, "ci", "held", patch_type::merge,
                           {{"metadata", {{"finalizers", nullptr}}}});
  BOOST_REQUIRE_MESSAGE(release.has_value(), (release ? std::string() : describe(release.error())));
  BOOST_TEST(eventually([&] { return absent(api, resources::configmaps, "ci", "held"); }, 2s));
  BOOST_TEST(api.remove(resources::configmaps, "ci", "held").error().code == 404);
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("dry")));
  BOOST_REQUIRE(api.remove(resources::configmaps, "ci", "dry", {.dry_run = true}));
  BOOST_TEST(api.get(resources::configmaps, "ci", "dry").has_value());
  BOOST_REQUIRE(api.remove(resources::configmaps, "ci", "dry", {.policy = propagation::orphan, .grace_period_seconds = 0}));
  BOOST_TEST(api.remove(resources::configmaps, "ci", "").error().reason == "InvalidArgument");
}

BOOST_AUTO_TEST_CASE(cluster_scoped_resources_and_discovery) {
  auto strategies = api.list(resources::clusterbuildstrategies, "ignored");
  BOOST_REQUIRE(strategies);
  BOOST_TEST(strategies->items.size() == 2u);
  auto one = api.get(resources::clusterbuildstrategies, "", "buildah-strategy-managed-push");
  BOOST_REQUIRE(one);
  BOOST_TEST(!(*one)["metadata"].contains("namespace"));
  auto ns = api.get(resources::namespaces, "", "ci");
  BOOST_REQUIRE(ns);
  BOOST_TEST(wait_for(api, resources::serviceaccounts, "ci", "default", [](const json&) { return true; }).is_object());
  brokkr::http::client raw;
  auto version = raw.perform({.url = sim.server_url() + "/version"});
  BOOST_REQUIRE(version);
  BOOST_TEST(json::parse(version->body)["major"] == "1");
  auto health = raw.perform({.url = sim.server_url() + "/healthz"});
  BOOST_TEST(health->body == "ok");
  auto unauth = raw.perform({.url = sim.server_url() + "/apis"});
  BOOST_TEST(unauth->status == 401);
  auto nowhere = raw.perform({.url = sim.server_url() + "/apis/x/v1/things",
                              .headers = {{"Authorization", "Bearer " + sim.token()}}});
  BOOST_TEST(nowhere->status == 404);
  auto collection_delete = raw.perform({.method = "DELETE", .url = sim.server_url() + resources::configmaps.path("ci"),
                                        .headers = {{"Authorization", "Bearer " + sim.token()}}});
  BOOST_TEST(collection_delete->status == 405);
}

BOOST_AUTO_TEST_SUITE_END()
