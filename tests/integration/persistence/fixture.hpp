#pragma once
// One fresh database per test case, with the repositories on one connection.
#include <boost/test/unit_test.hpp>

#include <ostream>

#include "persistence/admin_key_repository.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/ephemeral_work_repository.hpp"
#include "tests/support/factories.hpp"
#include "tests/support/test_db.hpp"

struct db_fixture {
  brokkr::test::test_database db;
  std::unique_ptr<brokkr::persistence::db_connection> conn = db.connect();
  brokkr::persistence::ephemeral_work_repository work{*conn};
  brokkr::persistence::agent_repository agents{*conn};

  // Simulated passage of time: tests move deadlines instead of sleeping.
  void expire_lease(const std::string& id) const {
    db.exec("UPDATE ephemeral_work SET lease_expires_at = now() - interval '1 second' WHERE id = '" + id + "'");
  }
  void pass_claim_deadline(const std::string& id) const {
    db.exec("UPDATE ephemeral_work SET claim_deadline = now() - interval '1 second' WHERE id = '" + id + "'");
  }
  void make_retry_due(const std::string& id) const {
    db.exec("UPDATE ephemeral_work SET next_retry_after = now() - interval '1 second' WHERE id = '" + id + "'");
  }
  long long events_of(const std::string& id) const {
    return db.count("SELECT count(*) FROM ephemeral_work_events WHERE work_id = '" + id + "'");
  }
};
