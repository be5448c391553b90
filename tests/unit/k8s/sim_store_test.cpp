// The simulated cluster's object store: write rules, watch history, garbage collection.
#include <boost/test/unit_test.hpp>

#include "k8s/sim/object_store.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::sim;

namespace {

struct store_fixture {
  resource_registry reg;
  object_store store{reg, 8};
  const served_resource& ns = reg.get(resources::namespaces);
  const served_resource& builds = reg.get(resources::builds);
  const served_resource& cms = reg.get(resources::configmaps);
  const served_resource& pods = reg.get(resources::pods);

  store_fixture() {
    BOOST_REQUIRE(store.create(ns, {{"metadata", {{"name", "ci"}}}}, {.internal = true}));
  }
  json build(const std::string& name, const std::string& image = "img") {
    return {{"apiVersion", "shipwright.io/v1beta1"}, {"kind", "Build"},
            {"metadata", {{"name", name}, {"namespace", "ci"}}},
            {"spec", {{"strategy", {{"name", "s"}}}, {"output", {{"image", image}}}}}};
  }
  json cm(const std::string& name, json owners = nullptr) {
    json o = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "ci"}}}};
    if (!owners.is_null()) o["metadata"]["ownerReferences"] = owners;
    return o;
  }
  static json owner(const json& o, bool block = false) {
    return {{"apiVersion", "v1"}, {"kind", "X"}, {"name", o["metadata"]["name"]}, {"uid", o["metadata"]["uid"]},
            {"blockOwnerDeletion", block}};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_store, store_fixture)

BOOST_AUTO_TEST_CASE(create_fills_metadata_and_rejects_duplicates) {
  auto b = store.create(builds, build("b"));
  BOOST_REQUIRE(b);
  const auto& m = (*b)["metadata"];
  BOOST_TEST(m["generation"] == 1);
  BOOST_TEST(!m["uid"].get<std::string>().empty());
  BOOST_TEST(!m["creationTimestamp"].get<std::string>().empty());
  BOOST_TEST(std::stoull(m["resourceVersion"].get<std::string>()) > 1000u);
  auto again = store.create(builds, build("b"));
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().reason == "AlreadyExists");
  BOOST_TEST(again.error().message == "builds.shipwright.io \"b\" already exists");
  json gen = build("");
  gen["metadata"].erase("name");
  gen["metadata"]["generateName"] = "app-";
  auto g = store.create(builds, gen);
  BOOST_REQUIRE(g);
  BOOST_TEST((*g)["metadata"]["name"].get<std::string>().size() == 9u);
  json wrong_ns = build("x");
  wrong_ns["metadata"]["namespace"] = "nope";
  BOOST_TEST(store.create(builds, wrong_ns).error().message == "namespaces \"nope\" not found");
  BOOST_TEST(store.create(builds, build("Bad_Name")).error().code == 422);
  json unnamed = build("");
  unnamed["metadata"].erase("name");
  BOOST_TEST(store.create(builds, unnamed).error().code == 422);
  BOOST_CHECK(store.create(builds, build("dry"), {.dry_run = true}).has_value());
  BOOST_TEST(!store.get(builds, "ci", "dry"));
}

BOOST_AUTO_TEST_CASE(updates_bump_generation_only_for_spec_and_detect_conflicts) {
  auto b = store.create(builds, build("b"));
  BOOST_REQUIRE(b);
  auto same = [](json next) { return [next](const json&) -> brokkr::expected<json, api_status> { return next; }; };
  json labeled = *b;
  labeled["metadata"]["labels"]["a"] = "b";
  auto l = store.modify(builds, "ci", "b", write_target::main, same(labeled));
  BOOST_REQUIRE(l);
  BOOST_TEST((*l)["metadata"]["generation"] == 1);
  BOOST_TEST((*l)["metadata"]["resourceVersion"] != (*b)["metadata"]["resourceVersion"]);
  // The stale resourceVersion of b is a Conflict.
  json stale = *b;
  stale["spec"]["output"]["image"] = "other";
  auto c = store.modify(builds, "ci", "b", write_target::main, same(stale));
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().code == 409);
  BOOST_TEST(c.error().message.find("the object has been modified") != std::string::npos);
  json fresh = *l;
  fresh["spec"]["output"]["image"] = "other";
  fresh["status"] = {{"registered", "True"}};  // ignored on the main resource
  auto u = store.modify(builds, "ci", "b", write_target::main, same(fresh));
  BOOST_REQUIRE(u);
  BOOST_TEST((*u)["metadata"]["generation"] == 2);
  BOOST_TEST(!u->contains("status"));
  // Through the status subresource only .status changes.
  json st = *u;
  st["status"] = {{"registered", "True"}};
  st["spec"]["output"]["image"] = "ignored";
  auto s = store.modify(builds, "ci", "b", write_target::status, same(st));
  BOOST_REQUIRE(s);
  BOOST_TEST((*s)["status"]["registered"] == "True");
  BOOST_TEST((*s)["spec"]["output"]["image"] == "other");
  BOOST_TEST((*s)["metadata"]["generation"] == 2);
  // A write that changes nothing keeps the version.
  auto noop = store.modify(builds, "ci", "b", write_target::main, same(*s));
  BOOST_REQUIRE(noop);
  BOOST_TEST((*noop)["metadata"]["resourceVersion"] == (*s)["metadata"]["resourceVersion"]);
  BOOST_TEST(store.modify(builds, "ci", "nope", write_target::main, same(*s)).error().code == 404);
}

BOOST_AUTO_TEST_CASE(lists_paginate_and_filter) {
  for (const auto* n : {"a", "b", "c", "d", "e"}) {
    json o = cm(n);
    o["metadata"]["labels"]["idx"] = n;
    BOOST_REQUIRE(store.create(cms, o));
  }
  selector_query all{"ci", {}, {}};
  auto p1 = store.list(cms, all, 2);
  BOOST_REQUIRE(p1);
  BOOST_TEST(p1->items.size() == 2u);
  BOOST_TEST(!p1->continue_token.empty());
  auto p2 = store.list(cms, all, 2, p1->continue_token);
  auto p3 = store.list(cms, all, 2, p2->continue_token);
  BOOST_TEST(p3->items.size() == 1u);
  BOOST_TEST(p3->continue_token.empty());
  BOOST_TEST(p2->items[0]["metadata"]["name"] == "c");
  BOOST_TEST(store.list(cms, all, 0, "garbage").error().code == 400);
  auto sel = label_selector::parse("idx in (b, d)");
  selector_query some{"ci", *sel, {}};
  BOOST_TEST(store.list(cms, some)->items.size() == 2u);
  selector_query named{"ci", {}, {{"metadata.name", false, "e"}}};
  BOOST_TEST(store.list(cms, named)->items.size() == 1u);
  BOOST_REQUIRE(store.create(cms, cm("f")));
  store.compact();
  BOOST_TEST(store.list(cms, all, 2, p1->continue_token).error().code == 410);
}

BOOST_AUTO_TEST_CASE(watch_replays_history_and_expires_old_versions) {
  auto a = store.create(cms, cm("a"));
  const uint64_t from = std::stoull((*a)["metadata"]["resourceVersion"].get<std::string>());
  BOOST_REQUIRE(store.create(cms, cm("b")));
  std::vector<std::string> seen;
  auto id = store.watch(cms, {"ci", {}, {}}, from, [&](event_type t, const json& o) {
    seen.push_back(std::string(to_string(t)) + " " + o["metadata"].value("name", ""));
    return true;
  });
  BOOST_REQUIRE(id);
  BOOST_TEST(seen == std::vector<std::string>{"ADDED b"});
  BOOST_REQUIRE(store.remove(cms, "ci", "a"));
  BOOST_TEST(seen.back() == "DELETED a");
  store.bookmark(*id);
  BOOST_TEST(seen.back().rfind("BOOKMARK", 0) == 0u);
  store.unwatch(*id);
  // Synthetic ADDED events without a version.
  std::vector<std::string> initial;
  BOOST_REQUIRE(store.watch(cms, {"ci", {}, {}}, std::nullopt, [&](event_type, const json& o) {
    initial.push_back(o["metadata"]["name"]);
    return false;  // and unsubscribe
  }));
  BOOST_TEST(initial.size() == 1u);
  // The history holds 8 events: a version older than that is gone.
  for (int i = 0; i < 10; ++i) BOOST_REQUIRE(store.create(cms, cm("x" + std::to_string(i))));
  auto old = store.watch(cms, {"ci", {}, {}}, from, [](event_type, const json&) { return true; });
  BOOST_REQUIRE(!old);
  BOOST_TEST(old.error().code == 410);
  BOOST_TEST(old.error().reason == "Expired");
  BOOST_TEST(old.error().message.find("too old resource version") == 0u);
}

BOOST_AUTO_TEST_CASE(selector_transitions_become_added_and_deleted) {
  auto a = store.create(cms, cm("a"));
  std::vector<std::string> seen;
  auto sel = label_selector::parse("team=x");
  BOOST_REQUIRE(store.watch(cms, {"ci", *sel, {}}, std::nullopt, [&](event_type t, const json&) {
    seen.emplace_back(to_string(t));
    return true;
  }));
  auto relabel = [&](const char* v) {
    return store.modify(cms, "ci", "a", write_target::main, [&](const json& cur) -> brokkr::expected<json, api_status> {
      json n = cur;
      n["metadata"]["labels"]["team"] = v;
      return n;
    });
  };
  BOOST_REQUIRE(relabel("x"));
  BOOST_REQUIRE(relabel("x2"));
  BOOST_TEST(seen == (std::vector<std::string>{"ADDED", "DELETED"}));
}

BOOST_AUTO_TEST_CASE(garbage_collection_background_foreground_orphan) {
  auto owner = store.create(cms, cm("owner"));
  BOOST_REQUIRE(owner);
  BOOST_REQUIRE(store.create(cms, cm("dep", json::array({store_fixture::owner(*owner)}))));
  BOOST_REQUIRE(store.remove(cms, "ci", "owner"));
  BOOST_TEST(!store.get(cms, "ci", "dep"));  // background: dependents follow
  auto o2 = store.create(cms, cm("owner2"));
  BOOST_REQUIRE(store.create(cms, cm("kept", json::array({store_fixture::owner(*o2)}))));
  BOOST_REQUIRE(store.remove(cms, "ci", "owner2", {.propagation = "Orphan"}));
  auto kept = store.get(cms, "ci", "kept");
  BOOST_REQUIRE(kept);
  BOOST_TEST(!(*kept)["metadata"].contains("ownerReferences"));
  auto o3 = store.create(cms, cm("owner3"));
  json blocker = cm("blocker", json::array({store_fixture::owner(*o3, true)}));
  blocker["metadata"]["finalizers"] = json::array({"example.com/hold"});
  BOOST_REQUIRE(store.create(cms, blocker));
  auto fg = store.remove(cms, "ci", "owner3", {.propagation = "Foreground"});
  BOOST_REQUIRE(fg);
  BOOST_TEST(!fg->removed);  // waits for its blocking dependent
  BOOST_TEST(fg->object["metadata"].contains("deletionTimestamp"));
  auto b = store.get(cms, "ci", "blocker");
  BOOST_REQUIRE(b);
  BOOST_TEST((*b)["metadata"].contains("deletionTimestamp"));
  // Removing the dependent's finalizer lets both go.
  BOOST_REQUIRE(store.modify(cms, "ci", "blocker", write_target::main, [](const json& cur) -> brokkr::expected<json, api_status> {
    json n = cur;
    n["metadata"]["finalizers"] = json::array();
    return n;
  }));
  BOOST_TEST(!store.get(cms, "ci", "blocker"));
  BOOST_TEST(!store.get(cms, "ci", "owner3"));
}

BOOST_AUTO_TEST_CASE(delete_preconditions_finalizers_and_namespace_removal) {
  auto a = store.create(cms, cm("a"));
  BOOST_TEST(store.remove(cms, "ci", "a", {.precondition_uid = "other"}).error().code == 409);
  BOOST_TEST(store.remove(cms, "ci", "a", {.precondition_rv = "1"}).error().code == 409);
  BOOST_TEST(store.remove(cms, "ci", "a", {.dry_run = true})->removed);
  BOOST_TEST(store.get(cms, "ci", "a").has_value());
  json f = cm("f");
  f["metadata"]["finalizers"] = json::array({"x/y"});
  BOOST_REQUIRE(store.create(cms, f));
  auto pending = store.remove(cms, "ci", "f");
  BOOST_REQUIRE(pending);
  BOOST_TEST(!pending->removed);
  BOOST_TEST(store.get(cms, "ci", "f").has_value());
  BOOST_REQUIRE(store.create(pods, {{"metadata", {{"name", "p"}, {"namespace", "ci"}}}}));
  BOOST_REQUIRE(store.remove(ns, "", "ci"));
  BOOST_TEST(!store.get(pods, "ci", "p"));
  BOOST_TEST(!store.get(cms, "ci", "a"));
  BOOST_TEST(store.get(cms, "ci", "f").has_value());  // its finalizer still holds it
  BOOST_TEST(store.remove(cms, "ci", "gone").error().code == 404);
}

BOOST_AUTO_TEST_SUITE_END()
