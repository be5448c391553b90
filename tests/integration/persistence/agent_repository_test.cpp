#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

BOOST_FIXTURE_TEST_SUITE(agent_repo, db_fixture)

BOOST_AUTO_TEST_CASE(create_get_and_unique_name_per_cluster) {
  auto c = agents.create({.name = "edge-1", .cluster_name = "eu-1", .labels = {"linux", "gpu", "gpu"},
                          .annotations = {{"region", "eu"}}, .key_short = "abc", .key_hash = std::string(64, 'f')});
  BOOST_REQUIRE(c);
  BOOST_TEST(c->agent.labels == (std::vector<std::string>{"gpu", "linux"}));
  BOOST_TEST(c->agent.status == agent_status::active);
  BOOST_TEST(agents.get(c->agent.id)->annotations.at("region") == "eu");
  auto dup = agents.create({.name = "edge-1", .cluster_name = "eu-1"});
  BOOST_REQUIRE(!dup);
  BOOST_TEST(dup.error().code == db_errc::conflict);
  BOOST_TEST(agents.create({.name = "edge-1", .cluster_name = "us-1"}).has_value());
  // A deleted agent frees its name.
  BOOST_REQUIRE(agents.remove(c->agent.id));
  BOOST_TEST(agents.create({.name = "edge-1", .cluster_name = "eu-1"}).has_value());
}

BOOST_AUTO_TEST_CASE(keys_are_found_by_short_id_and_die_with_the_agent) {
  auto c = agents.create({.name = "a", .cluster_name = "c", .key_short = "s1", .key_hash = std::string(64, 'a')});
  auto found = agents.find_by_key("s1");
  BOOST_REQUIRE(found && found->has_value());
  BOOST_TEST((*found)->agent_id == c->agent.id);
  BOOST_TEST((*found)->key_hash == std::string(64, 'a'));
  BOOST_REQUIRE(agents.rotate_key(c->agent.id, "s2", std::string(64, 'b')));
  BOOST_TEST(!agents.find_by_key("s1")->has_value());
  BOOST_TEST(agents.find_by_key("s2")->has_value());
  BOOST_REQUIRE(agents.remove(c->agent.id));
  BOOST_TEST(!agents.find_by_key("s2")->has_value());
  BOOST_TEST(agents.rotate_key(c->agent.id, "s3", std::string(64, 'c')).error().code == db_errc::not_found);
}

BOOST_AUTO_TEST_CASE(list_filters_and_pages) {
  for (int i = 0; i < 5; ++i) test::make_agent(agents, {.name = "n" + std::to_string(i), .labels = {i % 2 ? "odd" : "even"}});
  test::make_agent(agents, {.name = "off", .status = agent_status::inactive});
  std::vector<std::string> names;
  agent_list_params p{.limit = 2};
  for (;;) {
    auto page = agents.list(p);
    BOOST_REQUIRE(page);
    for (auto& a : page->items) names.push_back(a.name);
    if (page->next.empty()) break;
    p.after = page->next;
  }
  BOOST_TEST(names == (std::vector<std::string>{"n0", "n1", "n2", "n3", "n4", "off"}));
  BOOST_TEST(agents.list({.label = "odd"})->items.size() == 2u);
  BOOST_TEST(agents.list({.status = agent_status::inactive})->items.at(0).name == "off");
  const auto unknown = agents.list({.after = "00000000-0000-4000-8000-000000000000"});
  BOOST_REQUIRE(!unknown);
  BOOST_TEST(unknown.error().field == "cursor");
}

BOOST_AUTO_TEST_CASE(labels_and_annotations_edits) {
  const auto a = test::make_agent(agents, {.labels = {"a", "b"}, .annotations = {{"k1", "v1"}, {"k2", "v2"}}});
  BOOST_TEST(agents.edit_labels(a.id, label_edit::replace, {"c"})->agent.labels == std::vector<std::string>{"c"});
  BOOST_TEST(agents.edit_labels(a.id, label_edit::add, {"d", "c"})->agent.labels == (std::vector<std::string>{"c", "d"}));
  BOOST_TEST(agents.edit_labels(a.id, label_edit::remove, {"c"})->agent.labels == std::vector<std::string>{"d"});
  auto up = agents.edit_annotations(a.id, label_edit::add, {{"k1", "new"}, {"k3", "v3"}});
  BOOST_TEST(up->agent.annotations.size() == 3u);
  BOOST_TEST(up->agent.annotations.at("k1") == "new");
  auto rm = agents.edit_annotations(a.id, label_edit::remove, {{"k1", ""}, {"k2", ""}});
  BOOST_TEST(rm->agent.annotations.size() == 1u);
  // A replace that keeps some of what is there (it failed with a unique violation, 409, before).
  auto kept = agents.edit_labels(a.id, label_edit::replace, {"d", "e"});
  BOOST_REQUIRE_MESSAGE(kept, (kept ? "" : kept.error().message));
  BOOST_TEST(kept->agent.labels == (std::vector<std::string>{"d", "e"}));
  auto kept_ann = agents.edit_annotations(a.id, label_edit::replace, {{"k3", "changed"}, {"k4", "v4"}});
  BOOST_REQUIRE_MESSAGE(kept_ann, (kept_ann ? "" : kept_ann.error().message));
  BOOST_TEST(kept_ann->agent.annotations.size() == 2u);
  BOOST_TEST(kept_ann->agent.annotations.at("k3") == "changed");
  auto rep = agents.edit_annotations(a.id, label_edit::replace, {});
  BOOST_TEST(rep->agent.annotations.empty());
  BOOST_TEST(agents.edit_labels("123e4567-e89b-12d3-a456-426614174000", label_edit::add, {"x"}).error().code ==
             db_errc::not_found);
}

BOOST_AUTO_TEST_CASE(heartbeat_and_status) {
  const auto a = test::make_agent(agents);
  BOOST_TEST(!a.last_heartbeat_at.has_value());
  BOOST_REQUIRE(agents.heartbeat(a.id));
  BOOST_TEST(agents.get(a.id)->last_heartbeat_at.has_value());
  BOOST_TEST(agents.set_status(a.id, agent_status::inactive)->agent.status == agent_status::inactive);
}

BOOST_AUTO_TEST_CASE(presence_is_written_in_one_statement_and_never_goes_back) {
  auto a = agents.create({.name = "p1", .cluster_name = "c"});
  auto b = agents.create({.name = "p2", .cluster_name = "c"});
  auto gone = agents.create({.name = "p3", .cluster_name = "c"});
  BOOST_REQUIRE(a && b && gone);
  BOOST_TEST(agents.get(a->agent.id)->transport.empty());  // never seen
  BOOST_TEST(!agents.get(a->agent.id)->seen_seconds_ago);
  BOOST_REQUIRE(agents.remove(gone->agent.id));
  const auto now = std::chrono::system_clock::now();
  auto n = agents.record_presence({{a->agent.id, "caf", true, now},
                                   {b->agent.id, "http", false, now - std::chrono::seconds(10)},
                                   {gone->agent.id, "http", false, now},   // deleted: skipped
                                   {"not-a-uuid", "http", false, now}});  // dropped before SQL
  BOOST_REQUIRE(n);
  BOOST_TEST(*n == 2u);
  auto got = agents.get(a->agent.id);
  BOOST_TEST(got->transport == "caf");
  BOOST_TEST(got->connected);
  BOOST_REQUIRE(got->seen_seconds_ago);
  BOOST_TEST(*got->seen_seconds_ago < 5.0);
  auto http = agents.get(b->agent.id);
  BOOST_TEST(http->transport == "http");
  BOOST_TEST(*http->seen_seconds_ago >= 9.0);
  // An older mark (another replica's, late) changes nothing; a newer one wins.
  BOOST_REQUIRE(agents.record_presence({{a->agent.id, "caf", false, now - std::chrono::seconds(1)}}));
  BOOST_TEST(agents.get(a->agent.id)->connected);
  BOOST_REQUIRE(agents.record_presence({{a->agent.id, "caf", false, now + std::chrono::milliseconds(1)}}));
  BOOST_TEST(!agents.get(a->agent.id)->connected);
  // Lists carry presence too, and presence writes do not count as changes to the agent.
  const auto updated = agents.get(b->agent.id)->updated_at;
  BOOST_REQUIRE(agents.record_presence({{b->agent.id, "http", false, now}}));
  BOOST_TEST((agents.get(b->agent.id)->updated_at == updated));
  auto page = agents.list({});
  BOOST_REQUIRE(page);
  size_t seen = 0;
  for (const auto& x : page->items) seen += x.transport.empty() ? 0 : 1;
  BOOST_TEST(seen == 2u);
  BOOST_TEST(*agents.record_presence({}) == 0u);
}

BOOST_AUTO_TEST_CASE(admin_key_bootstrap_creates_one_key_only) {
  admin_key_repository keys{*conn};
  BOOST_TEST(*keys.count_active() == 0);
  BOOST_TEST(*keys.bootstrap("first", std::string(64, '1'), "bootstrap"));
  BOOST_TEST(!*keys.bootstrap("second", std::string(64, '2'), "bootstrap"));
  BOOST_TEST(*keys.count_active() == 1);
  BOOST_TEST(keys.find("first")->has_value());
  BOOST_TEST(!keys.find("second")->has_value());
  BOOST_REQUIRE(keys.insert("third", std::string(64, '3'), "ops"));
  BOOST_TEST(*keys.count_active() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
