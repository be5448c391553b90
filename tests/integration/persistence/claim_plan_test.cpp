// What a claim reads (ADR 72). Every status change writes a new entry into each index whose key or
// predicate names status, since such an update cannot be HOT, and the old entries stay until
// VACUUM. A bitmap scan reads every one of them and never marks one dead, so a claim planned from
// a status index grows with the whole queue's history since the last VACUUM, whoever's items made
// it. This case builds that history for another agent and counts the pages the claim touches.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <string>
#include <vector>

#include "persistence/statements.hpp"
#include "tests/integration/persistence/fixture.hpp"

using namespace brokkr;

namespace {

// Shared buffers that the statement's reading touched: the whole statement for a query, the choice
// of items (the CTE `candidate`) for a claim, whose write costs the same whatever it read. Planned
// generically, as the broker's connections plan it (and keep the plan until the next ANALYZE: the
// first case's statistics are older than its history). A plan may read the targets' indexes through a
// bitmap, never ephemeral_work's: those hold an entry per status change until VACUUM.
struct measured {
  long long pages = 0;
  long long rows = 0;
  std::vector<std::string> target_scans;  // how the plan read ephemeral_work_targets
};

// Every node of the plan (the plan itself, its children, theirs...).
std::vector<const nlohmann::json*> nodes(const nlohmann::json& plan) {
  std::vector<const nlohmann::json*> out{&plan};
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i]->contains("Plans"))
      for (const auto& child : out[i]->at("Plans")) out.push_back(&child);
  return out;
}

// How the plan reads `table`: each scan of it, as "<node type> using <index>"; a bitmap heap scan
// names the indexes its bitmap was built from.
std::vector<std::string> scans_of(const nlohmann::json& plan, const std::string& table) {
  std::vector<std::string> out;
  for (const auto* n : nodes(plan)) {
    if (n->value("Relation Name", "") != table) continue;
    const auto type = n->value("Node Type", "");
    std::string index = n->value("Index Name", "");
    if (type == "Bitmap Heap Scan")
      for (const auto* b : nodes(*n))
        if (b->value("Node Type", "") == "Bitmap Index Scan") index += (index.empty() ? "" : ",") + b->value("Index Name", "");
    out.push_back(type + " using " + (index.empty() ? "(none)" : index));
  }
  return out;
}

// The statement runs once unmeasured, in the same transaction, so that the count leaves out the
// catalog reads of a connection's first call (of the functions and triggers it runs). `chooser`
// names the CTE that chooses the items, when the statement has one.
measured explain(const test::test_database& db, const std::string& statement, const std::string& args,
                 const std::string& chooser = {}) {
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  tx.exec0("SET LOCAL plan_cache_mode = force_generic_plan");
  tx.exec0("PREPARE s AS " + persistence::statements().at(statement));
  tx.exec("EXECUTE s(" + args + ")");
  const auto out = nlohmann::json::parse(
      tx.exec1("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE s(" + args + ")")[0].as<std::string>());
  tx.abort();  // a claim under EXPLAIN ANALYZE is a real claim
  BOOST_TEST_MESSAGE(statement << " plan: " << out.dump(1));
  const auto& plan = out.at(0).at("Plan");
  const nlohmann::json* reading = &plan;
  if (!chooser.empty()) {
    const auto all = nodes(plan);
    const auto it = std::find_if(all.begin(), all.end(), [&](const auto* n) { return n->value("Subplan Name", "") == chooser; });
    BOOST_REQUIRE_MESSAGE(it != all.end(), statement << " has no " << chooser);
    reading = *it;
  }
  std::string item_scans;
  bool bitmap = false;
  for (const auto& scan : scans_of(plan, "ephemeral_work")) {
    item_scans += "; " + scan;
    bitmap = bitmap || scan.starts_with("Bitmap Heap Scan");
  }
  BOOST_TEST(!bitmap, statement << " reads ephemeral_work through a bitmap" << item_scans);
  const measured m{reading->at("Shared Hit Blocks").get<long long>() + reading->at("Shared Read Blocks").get<long long>(),
                   plan.at("Actual Rows").get<long long>(), scans_of(plan, "ephemeral_work_targets")};
  BOOST_TEST_MESSAGE(statement << " read " << m.pages << " pages");
  return m;
}

// A new item for `targets`, claimed by `claimer`.
work_item claimed_new(db_fixture& f, const std::vector<std::string>& targets, const std::string& claimer) {
  test::make_work(f.work, {.agent_ids = targets});
  auto c = f.work.claim_next(claimer);
  BOOST_REQUIRE(c && c->size() == 1u);
  return c->front();
}

void finish(db_fixture& f, const work_item& claimed) {
  BOOST_REQUIRE(f.work.complete({.work_id = claimed.id, .agent_id = claimed.claimed_by,
                                 .attempt = claimed.attempt, .outcome = work_outcome::completed}));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(claim_plan, db_fixture)

BOOST_AUTO_TEST_CASE(a_claim_reads_its_agents_targets_and_not_the_queues_history) {
  db.exec("ALTER TABLE ephemeral_work SET (autovacuum_enabled = off);"
          "ALTER TABLE ephemeral_work_targets SET (autovacuum_enabled = off)");
  const auto mine = test::make_agent(agents);
  const auto other = test::make_agent(agents);
  // When the statistics are taken, both agents are targets of 300 live items that `other` holds,
  // and nothing is pending: a plan that starts from the pending items looks cheapest.
  std::vector<work_item> held;
  for (int i = 0; i < 300; ++i) held.push_back(claimed_new(*this, {mine.id, other.id}, other.id));
  db.exec("ANALYZE");
  for (const auto& w : held) finish(*this, w);
  // Then 1,500 more items of `other`, submitted, claimed and completed: 3 status changes each.
  for (int i = 0; i < 1500; ++i) finish(*this, claimed_new(*this, {other.id}, other.id));
  test::make_work(work, {.agent_ids = {mine.id}});
  test::make_work(work, {.agent_ids = {mine.id}});

  const auto pending = explain(db, "ephemeral_work_pending_for_agent", "'" + mine.id + "', 10, 30");
  BOOST_TEST(pending.rows == 2);
  const auto claim =
      explain(db, "ephemeral_work_claim_next", "'" + mine.id + "', '{}', 30, 1", "CTE candidate");  // the second item
  BOOST_TEST(claim.rows == 1);
  // What this agent may claim is two items, a page of the table and a few of the indexes, and the
  // targets table with its deleted rows (pending also builds each item's targets JSON): 30 pages
  // for pending and 22 for the claim here. The statements that joined targets and items were planned from a
  // status index and read the history through bitmaps: 145 and 131 pages, and more with every
  // status change.
  BOOST_TEST(pending.pages < 60);
  BOOST_TEST(claim.pages < 40);
}

// Migration 0017: the targets index carries the item's id. Once the table is large enough for an
// index, an agent's targets are read from the index alone. With the index on agent_id alone the
// plan read them through a bitmap, which visits the heap for every entry, deleted rows' included,
// and never marks one dead.
BOOST_AUTO_TEST_CASE(an_agents_targets_are_read_from_the_index_alone) {
  const auto mine = test::make_agent(agents);
  std::vector<std::string> crowd;
  for (int i = 0; i < 64; ++i) crowd.push_back(test::make_agent(agents).id);
  for (int i = 0; i < 300; ++i) test::make_work(work, {.agent_ids = crowd});  // 19,200 target rows
  test::make_work(work, {.agent_ids = {mine.id}});
  test::make_work(work, {.agent_ids = {mine.id}});
  db.exec("VACUUM ANALYZE ephemeral_work_targets");
  const std::vector<std::string> index_only{"Index Only Scan using idx_ephemeral_work_targets_agent"};

  const auto pending = explain(db, "ephemeral_work_pending_for_agent", "'" + mine.id + "', 10, 30");
  BOOST_TEST(pending.rows == 2);
  BOOST_TEST(pending.target_scans == index_only, boost::test_tools::per_element());
  const auto claim = explain(db, "ephemeral_work_claim_next", "'" + mine.id + "', '{}', 30, 1", "CTE candidate");
  BOOST_TEST(claim.rows == 1);  // the second item: the unmeasured run claimed the first
  BOOST_TEST(claim.target_scans == index_only, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
