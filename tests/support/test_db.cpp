#include "tests/support/test_db.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>

#include "persistence/migrator.hpp"

namespace brokkr::test {
namespace {

std::string admin_exec_url() { return server_url(); }

void admin_exec(const std::string& sql) {
  pqxx::connection c{admin_exec_url()};
  pqxx::nontransaction n{c};
  n.exec(sql);
}

const std::string& template_name() {
  static std::once_flag once;
  static std::string name = "brokkr_tpl_" + std::to_string(::getpid());
  std::call_once(once, [] {
    admin_exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin_exec("CREATE DATABASE " + name);
    auto r = persistence::migrate(with_database(server_url(), name));
    if (!r) throw std::runtime_error("migrating the template database failed: " + r.error().message);
    // Drop the template when the test process ends.
    std::atexit([] {
      try {
        admin_exec("DROP DATABASE IF EXISTS " + template_name() + " WITH (FORCE)");
      } catch (...) {
      }
    });
  });
  return name;
}

}  // namespace

std::string server_url() {
  const char* url = std::getenv("BROKKR_TEST_DATABASE_URL");
  if (!url || !*url)
    throw std::runtime_error(
        "BROKKR_TEST_DATABASE_URL is not set: run the suite through scripts/test, which starts PostgreSQL");
  return url;
}

std::string with_database(const std::string& url, const std::string& db) {
  const auto q = url.find('?');
  const std::string base = url.substr(0, q);
  const auto slash = base.rfind('/');
  return base.substr(0, slash + 1) + db + (q == std::string::npos ? "" : url.substr(q));
}

test_database::test_database() {
  static std::atomic<int> counter{0};
  const auto& tpl = template_name();
  name_ = "brokkr_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  admin_exec("CREATE DATABASE " + name_ + " TEMPLATE " + tpl);
  url_ = with_database(server_url(), name_);
}

test_database::~test_database() {
  try {
    admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

std::unique_ptr<persistence::db_connection> test_database::connect() const {
  auto c = persistence::db_connection::open(url_);
  if (!c) throw std::runtime_error("cannot connect to " + name_ + ": " + c.error().message);
  return std::move(*c);
}

void test_database::exec(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction n{c};
  n.exec(sql);
}

long long test_database::count(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction n{c};
  return n.exec1(sql)[0].as<long long>();
}

std::string test_database::scalar(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction n{c};
  const auto r = n.exec1(sql);
  return r[0].is_null() ? std::string() : r[0].as<std::string>();
}

}  // namespace brokkr::test
