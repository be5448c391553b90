#pragma once
// A fresh, migrated PostgreSQL database per test case, cloned from a template migrated once per
// test process. The server is the throwaway one scripts/test starts (BROKKR_TEST_DATABASE_URL).
#include <memory>
#include <string>

#include "persistence/connection.hpp"

namespace brokkr::test {

// The admin URL of the test server; fails the test with a clear message when unset.
std::string server_url();
// `url` with its database name replaced.
std::string with_database(const std::string& url, const std::string& db);

class test_database {
 public:
  test_database();   // creates brokkr_t_<pid>_<n> from the migrated template
  ~test_database();  // drops it (connections are terminated first)
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // A new connection with every statement prepared.
  std::unique_ptr<persistence::db_connection> connect() const;
  // Runs SQL that simulates time passing or inspects rows (tests only).
  void exec(const std::string& sql) const;
  long long count(const std::string& sql) const;
  std::string scalar(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

}  // namespace brokkr::test
