// Who may see and claim an item: explicit ids, all-of and any-of labels, annotations, and agents
// that appear or change after the work was created.
#include <algorithm>
#include <random>

#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;
using namespace brokkr::persistence;

namespace {

// Every column of the row as the repository reads it (the targets are compared field by field).
bool same_columns(const work_item& a, const work_item& b) {
  return a.id == b.id && a.work_type == b.work_type && a.crd_spec == b.crd_spec && a.status == b.status &&
         a.claimed_by == b.claimed_by && a.claimed_at == b.claimed_at && a.completed_at == b.completed_at &&
         a.attempt == b.attempt && a.retry_count == b.retry_count && a.max_retries == b.max_retries &&
         a.claim_timeout_seconds == b.claim_timeout_seconds && a.ttl_seconds == b.ttl_seconds &&
         a.backoff_base_seconds == b.backoff_base_seconds && a.lease_seconds == b.lease_seconds &&
         a.priority == b.priority && a.next_retry_after == b.next_retry_after &&
         a.lease_expires_at == b.lease_expires_at && a.claim_deadline == b.claim_deadline &&
         a.cancel_requested == b.cancel_requested && a.idempotency_key == b.idempotency_key &&
         a.result_message == b.result_message && a.failure_reason == b.failure_reason &&
         a.result_details == b.result_details && a.labels == b.labels && a.retry_of == b.retry_of &&
         a.created_at == b.created_at && a.updated_at == b.updated_at && a.deleted_at == b.deleted_at;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(targeting, db_fixture)

BOOST_AUTO_TEST_CASE(all_of_labels) {
  const auto gpu_linux = test::make_agent(agents, {.labels = {"gpu", "linux"}});
  const auto gpu = test::make_agent(agents, {.labels = {"gpu"}});
  const auto w = test::make_work(work, {.labels = {"gpu", "linux"}});
  BOOST_TEST(w.target_agents == std::vector<std::string>{gpu_linux.id});
  BOOST_TEST(work.pending_for_agent(gpu.id, 10)->empty());
  BOOST_TEST(work.claim(w.id, gpu.id).error().code == db_errc::forbidden);
  BOOST_TEST(work.claim(w.id, gpu_linux.id).has_value());
}

BOOST_AUTO_TEST_CASE(any_of_labels) {
  const auto gpu = test::make_agent(agents, {.labels = {"gpu"}});
  const auto arm = test::make_agent(agents, {.labels = {"arm64"}});
  const auto plain = test::make_agent(agents);
  const auto w = test::make_work(work, {.labels = {"gpu", "arm64"}, .match = target_match::any});
  auto expected = std::vector<std::string>{gpu.id, arm.id};
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(w.target_agents == expected);
  BOOST_TEST(work.pending_for_agent(plain.id, 10)->empty());
}

BOOST_AUTO_TEST_CASE(annotations_must_all_match) {
  const auto eu = test::make_agent(agents, {.annotations = {{"region", "eu"}, {"tier", "prod"}}});
  const auto eu_dev = test::make_agent(agents, {.annotations = {{"region", "eu"}, {"tier", "dev"}}});
  const auto w = test::make_work(work, {.annotations = {{"region", "eu"}, {"tier", "prod"}}});
  BOOST_TEST(w.target_agents == std::vector<std::string>{eu.id});
  BOOST_TEST(work.claim(w.id, eu_dev.id).error().code == db_errc::forbidden);
}

BOOST_AUTO_TEST_CASE(labels_and_annotations_combine_and_explicit_ids_add) {
  const auto match = test::make_agent(agents, {.labels = {"gpu"}, .annotations = {{"region", "eu"}}});
  const auto label_only = test::make_agent(agents, {.labels = {"gpu"}});
  const auto named = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {named.id}, .labels = {"gpu"}, .annotations = {{"region", "eu"}}});
  auto expected = std::vector<std::string>{match.id, named.id};
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(w.target_agents == expected);
  BOOST_TEST(work.claim(w.id, label_only.id).error().code == db_errc::forbidden);
  // The selector as submitted is kept.
  BOOST_TEST(w.targets.labels == std::vector<std::string>{"gpu"});
  BOOST_TEST(w.targets.annotations.at("region") == "eu");
  BOOST_TEST(w.targets.agent_ids == std::vector<std::string>{named.id});
}

// The targets are written as a plain insert (migration 0014): an agent reached by several parts of
// the selector must still come once, or the (work_id, agent_id) key would refuse the submit.
BOOST_AUTO_TEST_CASE(an_agent_both_named_and_matched_more_than_once_is_one_target) {
  const auto both = test::make_agent(agents, {.labels = {"gpu", "arm"}, .annotations = {{"region", "eu"}}});
  const auto other = test::make_agent(agents, {.labels = {"arm"}});
  const auto w = test::make_work(work, {.agent_ids = {both.id}, .labels = {"gpu", "arm"}, .match = target_match::any});
  auto expected = std::vector<std::string>{both.id, other.id};
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(w.target_agents == expected);
  const auto v = test::make_work(work, {.agent_ids = {both.id}, .labels = {"gpu"}, .annotations = {{"region", "eu"}}});
  BOOST_TEST(v.target_agents == std::vector<std::string>{both.id});
  BOOST_TEST(test::claim_one(work, both.id)->has_value());
}

BOOST_AUTO_TEST_CASE(explicit_ids_only_target_those_agents) {
  const auto a = test::make_agent(agents, {.labels = {"gpu"}});
  const auto b = test::make_agent(agents, {.labels = {"gpu"}});
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  BOOST_TEST(w.target_agents == std::vector<std::string>{a.id});
  BOOST_TEST(work.pending_for_agent(b.id, 10)->empty());
  BOOST_TEST(!test::claim_one(work, b.id)->has_value());
}

BOOST_AUTO_TEST_CASE(an_agent_registered_later_becomes_a_target) {
  const auto w = test::make_work(work, {.labels = {"gpu"}});
  BOOST_TEST(w.target_agents.empty());
  auto created = agents.create({.name = "late", .cluster_name = "c", .labels = {"gpu"}});
  BOOST_REQUIRE(created);
  BOOST_TEST(created->newly_targeted == std::vector<std::string>{w.id});
  BOOST_TEST(work.pending_for_agent(created->agent.id, 10)->size() == 1u);
  BOOST_TEST(work.claim(w.id, created->agent.id).has_value());
}

BOOST_AUTO_TEST_CASE(relabelling_adds_and_removes_targets_of_live_work_only) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.labels = {"gpu"}});
  const auto finished = test::make_work(work, {.labels = {"gpu"}});
  BOOST_REQUIRE(work.cancel(finished.id));
  auto added = agents.edit_labels(a.id, label_edit::add, {"gpu"});
  BOOST_REQUIRE(added);
  BOOST_TEST(added->newly_targeted == std::vector<std::string>{w.id});  // not the canceled one
  BOOST_TEST(work.get(w.id)->target_agents == std::vector<std::string>{a.id});
  auto removed = agents.edit_labels(a.id, label_edit::remove, {"gpu"});
  BOOST_REQUIRE(removed);
  BOOST_TEST(work.get(w.id)->target_agents.empty());
  BOOST_TEST(work.claim(w.id, a.id).error().code == db_errc::forbidden);
  // Annotations re-target too.
  const auto wa = test::make_work(work, {.annotations = {{"zone", "a"}}});
  auto annotated = agents.edit_annotations(a.id, label_edit::add, {{"zone", "a"}});
  BOOST_TEST(annotated->newly_targeted == std::vector<std::string>{wa.id});
}

// An item written before migration 0019 (or by other means) has no stored selector; every answer
// still carries its targets, read from the tables.
BOOST_AUTO_TEST_CASE(an_item_without_a_stored_selector_is_answered_from_the_tables) {
  test::make_agent(agents, {.labels = {"gpu"}, .annotations = {{"zone", "z1"}}});
  const auto b = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {b.id}, .labels = {"gpu"}, .annotations = {{"zone", "z1"}}});
  db.exec("UPDATE ephemeral_work SET target_selector = NULL WHERE id = '" + w.id + "'");
  const auto check = [&](const work_item& got, const char* what) {
    BOOST_TEST(got.targets.agent_ids == w.targets.agent_ids, what);
    BOOST_TEST(got.targets.labels == w.targets.labels, what);
    BOOST_TEST((got.targets.annotations == w.targets.annotations), what);
    BOOST_TEST(got.target_agents == w.target_agents, what);
  };
  BOOST_TEST(w.target_agents.size() == 2u);  // the matched agent and the named one
  const auto got = work.get(w.id);
  BOOST_REQUIRE(got.has_value());
  check(*got, "get");
  const auto claimed = work.claim_next(b.id);
  BOOST_REQUIRE(claimed && claimed->size() == 1u);
  check(claimed->front(), "claim");
}

// The answers take the selector from the row, not from the tables: a stored selector that the
// tables do not hold (no path writes one; this test does) is what every answer shows, with the
// resolved agents read from the table. Fails if a statement goes back to the four queries.
BOOST_AUTO_TEST_CASE(answers_read_the_stored_selector) {
  const auto a = test::make_agent(agents);
  const auto w = test::make_work(work, {.agent_ids = {a.id}});
  db.exec("UPDATE ephemeral_work SET target_selector = "
          "'{\"agent_ids\" : [], \"labels\" : [\"sentinel\"], \"annotations\" : {\"k\" : \"v\"}}' WHERE id = '" +
          w.id + "'");
  const auto check = [&](const work_item& got, const char* what) {
    BOOST_TEST(got.targets.agent_ids.empty(), what);
    BOOST_TEST(got.targets.labels == std::vector<std::string>{"sentinel"}, what);
    BOOST_TEST((got.targets.annotations == std::map<std::string, std::string>{{"k", "v"}}), what);
    BOOST_TEST(got.target_agents == std::vector<std::string>{a.id}, what);
  };
  const auto got = work.get(w.id);
  BOOST_REQUIRE(got.has_value());
  check(*got, "get");
  const auto listed = work.list({});
  BOOST_REQUIRE(listed.has_value());
  BOOST_REQUIRE(listed->items.size() == 1u);
  check(listed->items.front(), "list");
  const auto claimed = work.claim_next(a.id);
  BOOST_REQUIRE(claimed && claimed->size() == 1u);
  check(claimed->front(), "claim");
  const auto done = work.complete(test::for_item(w.id, {.agent_id = a.id, .attempt = claimed->front().attempt,
                                                         .outcome = work_outcome::completed}));
  BOOST_REQUIRE(done.has_value());
  check(*done, "complete");
}

BOOST_AUTO_TEST_CASE(untargeted_agent_can_neither_see_nor_claim) {
  const auto target = test::make_agent(agents, {.labels = {"gpu"}});
  const auto other = test::make_agent(agents, {.labels = {"cpu"}});
  const auto w = test::make_work(work, {.labels = {"gpu"}});
  BOOST_TEST(work.pending_for_agent(other.id, 10)->empty());
  BOOST_TEST(!test::claim_one(work, other.id)->has_value());
  auto refused = work.claim(w.id, other.id);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().code == db_errc::forbidden);
  BOOST_TEST(work.list({.agent_id = other.id})->items.empty());
  BOOST_TEST(work.get(w.id)->status == work_status::pending);
  BOOST_TEST(work.claim(w.id, target.id).has_value());
}

BOOST_AUTO_TEST_CASE(inactive_agents_are_offered_nothing_and_claim_nothing) {
  const auto a = test::make_agent(agents, {.labels = {"gpu"}, .status = agent_status::inactive});
  const auto w = test::make_work(work, {.labels = {"gpu"}});
  BOOST_TEST(w.target_agents == std::vector<std::string>{a.id});  // still a target...
  BOOST_TEST(work.pending_for_agent(a.id, 10)->empty());           // ...but offered nothing
  BOOST_TEST(!test::claim_one(work, a.id)->has_value());
  auto refused = work.claim(w.id, a.id);
  BOOST_TEST(refused.error().code == db_errc::conflict);
  BOOST_TEST(refused.error().message.find("INACTIVE") != std::string::npos);
  BOOST_REQUIRE(agents.set_status(a.id, agent_status::active));
  BOOST_TEST(work.claim(w.id, a.id).has_value());
}

BOOST_AUTO_TEST_CASE(a_deleted_agent_stops_being_a_target) {
  const auto a = test::make_agent(agents, {.labels = {"gpu"}});
  const auto w = test::make_work(work, {.labels = {"gpu"}});
  BOOST_REQUIRE(agents.remove(a.id));
  BOOST_TEST(work.get(w.id)->target_agents.empty());
  BOOST_TEST(agents.get(a.id).error().code == db_errc::not_found);
}

// Submit resolves targets with set operations (ephemeral_work_resolve_targets); agents that appear
// or change later are matched by ephemeral_work_agent_matches. Both must say the same for every
// selector: 40 random agents and 200 random selectors, compared item by item.
BOOST_AUTO_TEST_CASE(set_based_resolution_agrees_with_the_targeting_function) {
  std::mt19937 rng(1234);
  const std::vector<std::string> label_pool = {"gpu", "linux", "arm64", "eu", "big"};
  const std::vector<std::pair<std::string, std::string>> annotation_pool = {
      {"region", "eu"}, {"region", "us"}, {"tier", "prod"}, {"tier", "dev"}, {"zone", "a"}};
  auto coin = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    test::agent_opts o;
    for (const auto& l : label_pool)
      if (coin(40)) o.labels.push_back(l);
    for (const auto& [k, v] : annotation_pool)
      if (coin(30)) o.annotations[k] = v;  // one value per key: a later pick replaces
    o.status = coin(10) ? agent_status::inactive : agent_status::active;
    ids.push_back(test::make_agent(agents, o).id);
  }
  BOOST_REQUIRE(agents.remove(ids.back()));  // a deleted agent is never a target
  int with_targets = 0;
  for (int i = 0; i < 200; ++i) {
    test::work_opts o;
    for (const auto& l : label_pool)
      if (coin(25)) o.labels.push_back(l);
    for (const auto& [k, v] : annotation_pool)
      if (coin(15) && !o.annotations.count(k)) o.annotations[k] = v;
    if (coin(30)) o.agent_ids.push_back(ids[rng() % (ids.size() - 1)]);
    if (coin(20)) {
      const auto& more = ids[rng() % (ids.size() - 1)];
      if (std::find(o.agent_ids.begin(), o.agent_ids.end(), more) == o.agent_ids.end()) o.agent_ids.push_back(more);
    }
    if (o.labels.empty() && o.annotations.empty() && o.agent_ids.empty()) o.labels.push_back("gpu");
    o.match = coin(50) ? target_match::any : target_match::all;
    const auto w = test::make_work(work, o);
    // The submit builds its answer's targets from what it was given and wrote (migration 0015) and
    // stores the selector's part with the item (0019); every later read takes the selector from
    // the row and the resolved agents from the table. Both must agree, in order too, and so must
    // the row; and the stored selector must be what the selector tables hold (the one-argument
    // function reads them all), to the byte.
    const auto stored = work.get(w.id);
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(w.targets.agent_ids == stored->targets.agent_ids, "item " << i);
    BOOST_TEST(w.targets.labels == stored->targets.labels, "item " << i);
    BOOST_TEST((w.targets.annotations == stored->targets.annotations), "item " << i);
    BOOST_TEST(w.target_agents == stored->target_agents, "item " << i);
    BOOST_TEST((w.targets.match == stored->targets.match), "item " << i);
    BOOST_TEST(same_columns(w, *stored), "item " << i);
    const auto from_row = "SELECT ephemeral_work_targets_json(id, target_selector) FROM ephemeral_work WHERE id = '" + w.id + "'";
    BOOST_TEST(db.scalar(from_row) == db.scalar("SELECT ephemeral_work_targets_json('" + w.id + "')"), "item " << i);
    BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE target_selector IS NULL AND id = '" + w.id + "'") == 0);
    const auto by_function = db.count(
        "SELECT count(*) FROM agents a WHERE a.deleted_at IS NULL AND ephemeral_work_agent_matches('" + w.id +
        "', a.id)");
    const auto by_sets = db.count("SELECT count(*) FROM ephemeral_work_targets WHERE work_id = '" + w.id + "'");
    const auto both = db.count("SELECT count(*) FROM ephemeral_work_targets t JOIN agents a ON a.id = t.agent_id "
                               "WHERE t.work_id = '" + w.id + "' AND ephemeral_work_agent_matches(t.work_id, a.id)");
    BOOST_TEST(by_sets == by_function, "item " << i);
    BOOST_TEST(both == by_sets, "item " << i);
    with_targets += by_sets > 0;
  }
  BOOST_TEST(with_targets > 50);  // the random selectors did match agents, not only nothing

  // The other direction (ephemeral_work_retarget_agent): agents registered or relabelled after the
  // work, each compared with the function over every live item.
  const std::string live_items = "SELECT id FROM ephemeral_work WHERE ephemeral_work_is_live(status) AND deleted_at IS NULL";
  auto check_agent = [&](const std::string& agent, int n) {
    const auto by_function = db.count("SELECT count(*) FROM (" + live_items + ") l WHERE ephemeral_work_agent_matches(l.id, '" +
                                      agent + "')");
    const auto by_sets = db.count("SELECT count(*) FROM ephemeral_work_targets WHERE agent_id = '" + agent + "'");
    BOOST_TEST(by_sets == by_function, "agent " << n);
    return by_sets;
  };
  long long matched = 0;
  for (int i = 0; i < 15; ++i) {
    test::agent_opts o;
    for (const auto& l : label_pool)
      if (coin(50)) o.labels.push_back(l);
    for (const auto& [k, v] : annotation_pool)
      if (coin(40)) o.annotations[k] = v;
    const auto late = test::make_agent(agents, o);
    matched += check_agent(late.id, i);
    std::vector<std::string> relabel;
    for (const auto& l : label_pool)
      if (coin(50)) relabel.push_back(l);
    BOOST_REQUIRE(agents.edit_labels(late.id, label_edit::replace, relabel));
    matched += check_agent(late.id, 100 + i);
    std::map<std::string, std::string> reannotate;
    for (const auto& [k, v] : annotation_pool)
      if (coin(40)) reannotate[k] = v;
    BOOST_REQUIRE(agents.edit_annotations(late.id, label_edit::replace, reannotate));
    matched += check_agent(late.id, 200 + i);
  }
  BOOST_TEST(matched > 0);
}

BOOST_AUTO_TEST_CASE(explicit_ids_of_unknown_agents_are_rejected) {
  const auto a = test::make_agent(agents);
  auto r = work.create(test::make_request({.agent_ids = {a.id, "123e4567-e89b-12d3-a456-426614174000"}}));
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().code == db_errc::invalid_argument);
  BOOST_TEST(r.error().field == "targets.agent_ids[1]");
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
