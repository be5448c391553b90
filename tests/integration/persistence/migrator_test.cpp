#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <pqxx/pqxx>
#include <string>
#include <vector>
#include <thread>

#include "actors/work_status.hpp"
#include "migrations/migrations.hpp"
#include "persistence/migrator.hpp"
#include "persistence/statements.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;

namespace {

// An empty database (not cloned from the migrated template).
struct empty_database {
  std::string name = "brokkr_mig_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++);
  std::string url = test::with_database(test::server_url(), name);
  static int& counter() {
    static int n = 0;
    return n;
  }
  empty_database() { admin("CREATE DATABASE " + name); }
  ~empty_database() {
    try {
      admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (...) {
    }
  }
  static void admin(const std::string& sql) {
    pqxx::connection c{test::server_url()};
    pqxx::nontransaction n{c};
    n.exec(sql);
  }
  long long count(const std::string& sql) const {
    pqxx::connection c{url};
    pqxx::nontransaction n{c};
    return n.exec1(sql)[0].as<long long>();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(applies_every_migration_in_order_then_is_a_no_op) {
  empty_database db;
  const auto total = static_cast<long long>(migrations::files().size());
  auto first = persistence::migrate(db.url);
  BOOST_REQUIRE_MESSAGE(first.has_value(), (first ? std::string() : first.error().message));
  BOOST_TEST(static_cast<long long>(first->applied.size()) == total);
  BOOST_TEST(first->applied.front() == "0001_timestamps.sql");
  BOOST_TEST(db.count("SELECT count(*) FROM schema_migrations") == total);
  BOOST_TEST(db.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ephemeral_work_events'") == 1);

  auto second = persistence::migrate(db.url);
  BOOST_REQUIRE(second);
  BOOST_TEST(second->applied.empty());
  BOOST_TEST(second->already_applied == total);
  BOOST_TEST(db.count("SELECT count(*) FROM schema_migrations") == total);
}

BOOST_AUTO_TEST_CASE(concurrent_runners_apply_each_migration_once) {
  empty_database db;
  constexpr int runners = 6;
  std::vector<persistence::db_result<persistence::migration_result>> results(
      runners, persistence::migration_result{});
  std::vector<std::thread> threads;
  for (int i = 0; i < runners; ++i)
    threads.emplace_back([&, i] { results[i] = persistence::migrate(db.url); });
  for (auto& t : threads) t.join();
  size_t applied_total = 0;
  for (auto& r : results) {
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
    applied_total += r->applied.size();
  }
  BOOST_TEST(applied_total == migrations::files().size());
  BOOST_TEST(db.count("SELECT count(*) FROM schema_migrations") ==
             static_cast<long long>(migrations::files().size()));
}

BOOST_AUTO_TEST_CASE(an_applied_migration_that_changed_is_refused) {
  empty_database db;
  const embedded_file v1[] = {{"0001_a.sql", "CREATE TABLE a (x int);"}};
  const embedded_file v2[] = {{"0001_a.sql", "CREATE TABLE a (x bigint);"},
                              {"0002_b.sql", "CREATE TABLE b (y int);"}};
  pqxx::connection c{db.url};
  BOOST_REQUIRE(persistence::migrate(c, v1));
  auto r = persistence::migrate(c, v2);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("0001_a.sql was changed") != std::string::npos);
  // Nothing after the refused file was applied.
  BOOST_TEST(db.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'") == 0);
}

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_no_trace) {
  empty_database db;
  const embedded_file files[] = {{"0001_ok.sql", "CREATE TABLE ok (x int);"},
                                 {"0002_bad.sql", "CREATE TABLE half (x int); SELECT * FROM missing;"}};
  pqxx::connection c{db.url};
  auto r = persistence::migrate(c, files);
  BOOST_REQUIRE(!r);
  BOOST_TEST(db.count("SELECT count(*) FROM schema_migrations") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'") == 0);
}

// A migration's statement that PostgreSQL refuses as not supported (SQLSTATE 0A000, here a type
// change under a view) fails the migration with its file and reason. The same SQLSTATE from a
// prepared statement means a stale plan and is answered `unavailable` (retried); from a migration
// it would be retried until --db-wait ran out, with a message about the network.
BOOST_AUTO_TEST_CASE(a_migration_refused_as_not_supported_fails_and_names_itself) {
  empty_database db;
  const embedded_file files[] = {
      {"0001_view.sql", "CREATE TABLE t (x int); CREATE VIEW v AS SELECT x FROM t;"},
      {"0002_type.sql", "ALTER TABLE t ALTER COLUMN x TYPE bigint;"}};
  pqxx::connection c{db.url};
  auto r = persistence::migrate(c, files);
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().code == errc::internal));
  BOOST_TEST(r.error().message.find("migration 0002_type.sql failed") != std::string::npos, r.error().message);
  BOOST_TEST(r.error().message.find("view") != std::string::npos, r.error().message);
  BOOST_TEST(db.count("SELECT count(*) FROM schema_migrations") == 1);
}

// The SQL predicates of 0008 and the C++ model say the same about every status.
BOOST_AUTO_TEST_CASE(the_sql_status_predicates_agree_with_is_terminal) {
  test::test_database db;
  for (const auto& [status, name] : work_status_names) {
    const std::string literal = "'" + std::string(name) + "'";
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((db.scalar("SELECT ephemeral_work_is_terminal(" + literal + ")") == "t") == is_terminal(status));
      BOOST_TEST((db.scalar("SELECT ephemeral_work_is_live(" + literal + ")") == "t") == !is_terminal(status));
    }
  }
}

// The predicates are inlined: the live-items scan still uses the partial index declared with them.
BOOST_AUTO_TEST_CASE(statements_calling_the_predicates_use_the_partial_index) {
  test::test_database db;
  pqxx::connection c{db.url()};
  pqxx::nontransaction n{c};
  n.exec("SET enable_seqscan = off");
  std::string plan;
  for (const auto& row : n.exec("EXPLAIN SELECT id FROM ephemeral_work WHERE ephemeral_work_is_live(status) "
                                "AND deleted_at IS NULL AND id > '00000000-0000-0000-0000-000000000000' ORDER BY id"))
    plan += row[0].as<std::string>() + "\n";
  BOOST_TEST_MESSAGE(plan);
  BOOST_TEST(plan.find("ephemeral_work_non_terminal") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(statements_are_named_once_and_in_alphabetical_order) {
  const auto& all = persistence::statements();  // throws on a duplicate or an out-of-order name
  BOOST_TEST(all.count("ephemeral_work_claim_next") == 1u);
  BOOST_TEST(all.count("agents_cursor_known") == 1u);
}

// Every statement that calls a row predicate of 0008 is planned with the predicate inlined: the plan
// names none of them. A predicate that stops being inlinable (a sub-select, a volatile call) becomes
// an opaque call per row, and claim-next over an agent with many finished rows slows by orders of
// magnitude without any test failing on behaviour.
BOOST_AUTO_TEST_CASE(no_plan_calls_a_row_predicate) {
  test::test_database db;
  pqxx::connection c{db.url()};
  pqxx::nontransaction n{c};
  n.exec("SET plan_cache_mode = force_generic_plan");  // keep $n as parameters, not folded constants
  const std::vector<std::string> predicates{"ephemeral_work_claimable(", "ephemeral_work_is_live(",
                                            "ephemeral_work_is_terminal("};
  int checked = 0;
  for (const auto& [name, sql] : persistence::statements()) {
    if (std::none_of(predicates.begin(), predicates.end(),
                     [&](const std::string& p) { return sql.find(p) != std::string::npos; }))
      continue;
    int params = 0;  // the highest $n
    for (size_t i = sql.find('$'); i != std::string::npos; i = sql.find('$', i + 1)) {
      int n = 0;
      for (size_t j = i + 1; j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])); ++j)
        n = n * 10 + (sql[j] - '0');
      params = std::max(params, n);
    }
    std::string args;
    for (int i = 0; i < params; ++i) args += (i ? ", NULL" : "NULL");
    n.exec("PREPARE s AS " + sql);
    std::string plan;
    for (const auto& row : n.exec("EXPLAIN (VERBOSE) EXECUTE s" + (params ? "(" + args + ")" : std::string{})))
      plan += row[0].as<std::string>() + "\n";
    n.exec("DEALLOCATE s");
    BOOST_TEST_CONTEXT(name << "\n" << plan) {
      for (const auto& p : predicates) BOOST_TEST(plan.find(p) == std::string::npos);
    }
    ++checked;
  }
  BOOST_TEST(checked >= 3);  // claim by id, claim-next, pending at least
}

// ephemeral_work's rules live in domains (0016, ADR 0071): a table CHECK is read back from its
// stored text and planned again in every statement that writes the table. Each rule still refuses
// a bad value (SQLSTATE 23514, what the repositories report as a malformed value) and the row
// keeps what it had; and no CHECK is back on the table.
BOOST_AUTO_TEST_CASE(the_items_rules_hold_in_their_domains_and_none_is_a_table_check) {
  test::test_database db;
  pqxx::connection c{db.url()};
  {
    pqxx::nontransaction n{c};
    n.exec("INSERT INTO ephemeral_work (id, work_type, crd_spec) VALUES "
           "('00000000-0000-0000-0000-0000000000e1', 'shipwright-build', 'spec')");
  }
  const std::vector<std::string> broken{
      "status = 'BOGUS'",         "target_match = 'xyz'",      "retry_count = -1",
      "max_retries = -1",         "attempt = -1",              "ttl_seconds = -1",
      "claim_timeout_seconds = 0", "backoff_base_seconds = 0", "lease_seconds = -5",
      "labels = '[\"a\"]'",       "labels = '\"text\"'"};
  for (const auto& set : broken) {
    BOOST_TEST_CONTEXT(set) {
      std::string state;
      try {
        pqxx::nontransaction n{c};
        n.exec("UPDATE ephemeral_work SET " + set + " WHERE id = '00000000-0000-0000-0000-0000000000e1'");
      } catch (const pqxx::sql_error& e) {
        state = e.sqlstate();
      }
      BOOST_TEST(state == "23514");
    }
  }
  BOOST_TEST(db.scalar("SELECT status || target_match || retry_count || max_retries || attempt || ttl_seconds || "
                       "claim_timeout_seconds || backoff_base_seconds || lease_seconds || labels::text "
                       "FROM ephemeral_work") == "PENDINGall030360036003030{}");
  // The boundaries are allowed.
  {
    pqxx::nontransaction n{c};
    n.exec("UPDATE ephemeral_work SET retry_count = 0, max_retries = 0, attempt = 0, ttl_seconds = 0, "
           "lease_seconds = 1, claim_timeout_seconds = 1, backoff_base_seconds = 1, target_match = 'any', "
           "status = 'CANCELED', labels = '{\"team\": \"a\"}'");
  }
  BOOST_TEST(db.scalar("SELECT status || target_match || retry_count || max_retries || attempt || ttl_seconds || "
                       "claim_timeout_seconds || backoff_base_seconds || lease_seconds || labels::text "
                       "FROM ephemeral_work") == "CANCELEDany0000111{\"team\": \"a\"}");
  BOOST_TEST(db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'ephemeral_work'::regclass "
                      "AND contype = 'c'") == 0);
}
