#pragma once
// What must hold for every item after any crash, outage or race: its history explains its state.
#include <boost/test/unit_test.hpp>

#include "tests/support/test_db.hpp"

namespace brokkr::test {

inline void check_lifecycle_invariants(const test_database& db) {
  // Every transition is one the lifecycle allows.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events WHERE NOT ("
                      " (from_status IS NULL AND to_status = 'PENDING') OR"
                      " (from_status IN ('PENDING', 'FAILED_RETRYABLE') AND to_status IN ('CLAIMED', 'CANCELED')) OR"
                      " (from_status = 'CLAIMED' AND to_status IN ('CLAIMED', 'COMPLETED', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'CANCELED')))") == 0);
  // The latest event of an item names its current status, and attempts count its claims.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work w WHERE w.status <> "
                      "(SELECT e.to_status FROM ephemeral_work_events e WHERE e.work_id = w.id ORDER BY e.id DESC LIMIT 1)") == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work w WHERE w.attempt <> "
                      "(SELECT count(*) FROM ephemeral_work_events e WHERE e.work_id = w.id AND e.to_status = 'CLAIMED' "
                      " AND e.from_status IS DISTINCT FROM 'CLAIMED')") == 0);
  // Claimed items have a claimer and deadlines; finished ones have no targets left.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work WHERE status = 'CLAIMED' AND "
                      "(claimed_by IS NULL OR lease_expires_at IS NULL OR claim_deadline IS NULL)") == 0);
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_targets t JOIN ephemeral_work w ON w.id = t.work_id "
                      "WHERE w.status IN ('COMPLETED', 'FAILED_PERMANENT', 'CANCELED')") == 0);
  // Events have no foreign key to their item (migration 0018): none may outlive it.
  BOOST_TEST(db.count("SELECT count(*) FROM ephemeral_work_events e WHERE NOT EXISTS "
                      "(SELECT 1 FROM ephemeral_work w WHERE w.id = e.work_id)") == 0);
}

}  // namespace brokkr::test
