// Key lookup and the first-start bootstrap against the real schema.
#define BOOST_TEST_MODULE integration_broker_node
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "broker_node/auth/authenticate.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_db.hpp"

using namespace brokkr;

BOOST_AUTO_TEST_CASE(lookup_finds_admins_and_agents_and_refuses_the_rest) {
  test::test_database db;
  auto conn = db.connect();
  persistence::repositories repos{*conn, {}};
  const auto admin = auth::generate_key();
  BOOST_REQUIRE(repos.admin_keys.insert(admin.short_id, auth::hash_secret(admin.secret), "test"));
  const auto agent_key = auth::generate_key();
  auto agent = repos.agents.create({.name = "a", .cluster_name = "c", .key_short = agent_key.short_id,
                                    .key_hash = auth::hash_secret(agent_key.secret)});
  BOOST_REQUIRE(agent.has_value());
  BOOST_TEST(auth::lookup(repos, admin)->is_admin());
  BOOST_TEST(auth::lookup(repos, agent_key)->agent_id == agent->agent.id);
  auto wrong = admin;
  wrong.secret[0] = wrong.secret[0] == 'A' ? 'B' : 'A';
  BOOST_TEST(auth::lookup(repos, wrong).error().code == errc::unauthenticated);
  BOOST_TEST(auth::lookup(repos, auth::generate_key()).error().code == errc::unauthenticated);
}

BOOST_AUTO_TEST_CASE(concurrent_first_starts_create_one_admin_key_and_file) {
  test::test_database db;
  const auto dir = test::temp_dir("brokkr-bootstrap");
  std::vector<int> created(4, -1);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      auto conn = db.connect();
      persistence::repositories repos{*conn, {}};
      auto r = auth::bootstrap_admin_key(repos, dir + "/admin.key");
      created[i] = r ? (*r ? 1 : 0) : -1;
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(std::count(created.begin(), created.end(), 1) == 1);
  BOOST_TEST(std::count(created.begin(), created.end(), 0) == 3);
  BOOST_TEST(db.count("SELECT count(*) FROM admin_keys") == 1);
  struct stat st{};
  BOOST_REQUIRE(::stat((dir + "/admin.key").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600);
  std::string key;
  std::getline(std::ifstream(dir + "/admin.key"), key);
  auto parsed = auth::parse_key(key);
  BOOST_REQUIRE(parsed.has_value());
  auto conn = db.connect();
  persistence::repositories repos{*conn, {}};
  BOOST_TEST(auth::lookup(repos, *parsed)->is_admin());
  // A second start finds the key and writes nothing.
  BOOST_TEST(!*auth::bootstrap_admin_key(repos, dir + "/other.key"));
  BOOST_TEST(::stat((dir + "/other.key").c_str(), &st) != 0);
}

BOOST_AUTO_TEST_CASE(admin_key_hash_from_configuration) {
  test::test_database db;
  const auto key = auth::generate_key();
  const auto line = key.short_id + ":" + auth::hash_secret(key.secret);
  std::vector<int> results(4, -1);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      auto conn = db.connect();
      persistence::repositories repos{*conn, {}};
      auto r = auth::ensure_admin_key_hash(repos, line);
      results[i] = r ? (*r ? 1 : 0) : -1;
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(std::count(results.begin(), results.end(), -1) == 0);
  BOOST_TEST(std::count(results.begin(), results.end(), 1) == 1);
  auto conn = db.connect();
  persistence::repositories repos{*conn, {}};
  BOOST_TEST(auth::lookup(repos, key)->is_admin());
  BOOST_TEST(auth::ensure_admin_key_hash(repos, key.short_id + ":" + std::string(64, 'a')).error().code == errc::conflict);
  BOOST_TEST(auth::ensure_admin_key_hash(repos, "nocolon").error().field == "admin-key-hash");
  BOOST_TEST(auth::ensure_admin_key_hash(repos, "x:ABC").error().code == errc::invalid_argument);
}
