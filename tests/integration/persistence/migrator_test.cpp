#include <boost/test/unit_test.hpp>

#include <pqxx/pqxx>
#include <thread>

#include "migrations/migrations.hpp"
#include "persistence/migrator.hpp"
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
