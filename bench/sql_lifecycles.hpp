#pragma once
// The two plain-SQL lifecycles the repositories are read against (issue 13 goal 1): the floor and
// the required writes. bench_queue times both under four clients; bench_instructions counts what
// the required writes cost the server (not the floor: instructions_bench.cpp says why). Written
// once, so that both programs run the same statements.
#include <pqxx/pqxx>
#include <string>

#include "bench/repository_lifecycle.hpp"
#include "bench/seed_tables.hpp"

namespace brokkr::bench {

// The floor: the seed's two tables as they stand and four plain statements in three transactions
// (an insert of the item and of its target, a SKIP LOCKED claim, a completion guarded only by its
// status): no events, no NOTIFY.
inline const std::string floor_agent = "00000000-0000-0000-0000-000000000001";

inline std::string floor_schema() {
  return "CREATE TABLE plain_work (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL DEFAULT now(),"
         " work_type varchar(50) NOT NULL, crd_spec text NOT NULL, status varchar(50) NOT NULL DEFAULT 'PENDING',"
         " claimed_by uuid, claimed_at timestamptz, completed_at timestamptz, retry_count int NOT NULL DEFAULT 0);"
         "CREATE TABLE plain_targets (work_id uuid NOT NULL REFERENCES plain_work(id) ON DELETE CASCADE, agent_id uuid NOT NULL,"
         " UNIQUE(work_id, agent_id)); CREATE INDEX ON plain_targets(agent_id); CREATE INDEX ON plain_work(status)";
}

inline lifecycle_result floor_lifecycle(pqxx::connection_base& c, const std::string& agent) {
  pqxx::work tx{c};
  auto id = tx.exec1("INSERT INTO plain_work (work_type, crd_spec) VALUES ('b', 'spec') RETURNING id")[0].as<std::string>();
  tx.exec("INSERT INTO plain_targets VALUES ('" + id + "', '" + agent + "')");
  tx.commit();
  pqxx::work t2{c};
  auto r = t2.exec("UPDATE plain_work w SET status='CLAIMED', claimed_by='" + agent + "', claimed_at=now() FROM ("
                   "SELECT w.id FROM plain_targets t JOIN plain_work w ON w.id=t.work_id WHERE t.agent_id='" + agent +
                   "' AND w.status='PENDING' ORDER BY w.created_at LIMIT 1 FOR UPDATE OF w SKIP LOCKED) c WHERE w.id=c.id RETURNING w.id");
  t2.commit();
  if (r.empty()) return lifecycle_result::nothing_claimed;
  pqxx::work t3{c};
  t3.exec("UPDATE plain_work SET status='COMPLETED', completed_at=now() WHERE id='" + r[0][0].as<std::string>() +
          "' AND status='CLAIMED'");
  t3.commit();
  return lifecycle_result::done;
}

// The required writes (ADR 68): what the seed and the design ask of every lifecycle and nothing
// more, sent the cheapest way, so that our figure can be read against what the requirements
// themselves cost rather than against a floor that writes no events. The seed's two tables as it
// declares them (its indexes, its foreign keys to the agent, its updated_at trigger) with the
// design's attempt, lease and event table (no key from an event to its item, as ADR 74 left ours);
// per step the selector's row, an event row and a NOTIFY per transition (creation included), a
// claim of PENDING or due FAILED_RETRYABLE work, a completion fenced by claimer and attempt that
// stores its result, and the target rows dropped at the end. Each step is one prepared statement
// in autocommit, three round trips in all, as the repositories take since ADR 71 (the floor takes
// ten); no validation, no other guard, a NOTIFY payload of the id only. The claim reads the agent's
// targets first, as the repositories' claim does (ADR 72, 73): planned from the status index, it
// read through a bitmap an entry for every status change since the last VACUUM (7,836 entries to
// find 11 items in one sampled plan, statistics taken at the start of the round), slower than the
// cheapest way. The agent must be a row of `agents` (the seed's keys point there).
inline std::string required_schema() {
  return seed_tables("req_") +
         "; ALTER TABLE req_work ADD COLUMN attempt int NOT NULL DEFAULT 0, ADD COLUMN lease_expires_at timestamptz;"
         "CREATE TABLE req_target_agents (work_id uuid NOT NULL REFERENCES req_work(id) ON DELETE CASCADE,"
         " agent_id uuid NOT NULL, PRIMARY KEY (work_id, agent_id));"
         "CREATE TABLE req_events (id bigserial PRIMARY KEY, work_id uuid NOT NULL,"
         " at timestamptz NOT NULL DEFAULT clock_timestamp(), from_status varchar(50), to_status varchar(50) NOT NULL,"
         " agent_id uuid, attempt int NOT NULL, message text); CREATE INDEX ON req_events (work_id, id)";
}

// Prepares the three statements on `c` (once per connection).
inline void prepare_required(pqxx::connection_base& c) {
  // Looked up once to choose and order, again under the lock (the row may have changed since).
  const std::string claimable =
      "w.deleted_at IS NULL AND (w.status = 'PENDING' OR (w.status = 'FAILED_RETRYABLE' AND w.next_retry_after <= now()))";
  c.prepare("req_submit",
            "WITH w AS (INSERT INTO req_work (work_type, crd_spec) VALUES ($1, $2) RETURNING id),"
            " t AS (INSERT INTO req_targets (work_id, agent_id) SELECT id, $3::uuid FROM w),"
            " s AS (INSERT INTO req_target_agents (work_id, agent_id) SELECT id, $3::uuid FROM w),"
            " e AS (INSERT INTO req_events (work_id, to_status, attempt) SELECT id, 'PENDING', 0 FROM w)"
            " SELECT pg_notify('bench_required', id::text) FROM w");
  c.prepare("req_claim",
            "WITH c AS (UPDATE req_work w SET status = 'CLAIMED', claimed_by = $1::uuid, claimed_at = now(),"
            " attempt = w.attempt + 1, lease_expires_at = now() + interval '30 seconds', next_retry_after = NULL"
            " FROM (SELECT locked.id, locked.status FROM (SELECT w.id, w.created_at FROM req_targets t"
            " CROSS JOIN LATERAL (SELECT w.id, w.created_at FROM req_work w WHERE w.id = t.work_id AND " +
                claimable + " OFFSET 0) w"
            " WHERE t.agent_id = $1::uuid ORDER BY w.created_at OFFSET 0) ranked"
            " CROSS JOIN LATERAL (SELECT w.id, w.status FROM req_work w WHERE w.id = ranked.id AND " +
                claimable + " FOR UPDATE SKIP LOCKED) locked"
            " LIMIT 1) c"
            " WHERE w.id = c.id RETURNING w.id, w.attempt, c.status AS from_status),"
            " e AS (INSERT INTO req_events (work_id, from_status, to_status, agent_id, attempt)"
            " SELECT id, from_status, 'CLAIMED', $1::uuid, attempt FROM c)"
            " SELECT id, attempt, pg_notify('bench_required', id::text) FROM c");
  c.prepare("req_complete",
            "WITH d AS (UPDATE req_work SET status = 'COMPLETED', completed_at = now(), lease_expires_at = NULL,"
            " result_message = $4 WHERE id = $1::uuid AND status = 'CLAIMED' AND claimed_by = $2::uuid"
            " AND attempt = $3::int RETURNING id, attempt),"
            " e AS (INSERT INTO req_events (work_id, from_status, to_status, agent_id, attempt, message)"
            " SELECT id, 'CLAIMED', 'COMPLETED', $2::uuid, attempt, $4 FROM d),"
            " x AS (DELETE FROM req_targets WHERE work_id IN (SELECT id FROM d))"
            " SELECT pg_notify('bench_required', id::text) FROM d");
}

// Each step on its own connection (bench_instructions counts each step's backend apart); each
// connection prepared with prepare_required.
inline lifecycle_result required_lifecycle(pqxx::connection_base& submit, pqxx::connection_base& claim,
                                           pqxx::connection_base& complete, const std::string& agent) {
  { pqxx::nontransaction n{submit}; n.exec_prepared("req_submit", "b", "spec", agent); }
  pqxx::result r;
  { pqxx::nontransaction n{claim}; r = n.exec_prepared("req_claim", agent); }
  if (r.empty()) return lifecycle_result::nothing_claimed;
  pqxx::nontransaction n{complete};
  return n.exec_prepared("req_complete", r[0][0].as<std::string>(), agent, r[0][1].as<int>(), "done").empty()
             ? lifecycle_result::failed
             : lifecycle_result::done;
}

inline lifecycle_result required_lifecycle(pqxx::connection_base& c, const std::string& agent) {
  return required_lifecycle(c, c, c, agent);
}

}  // namespace brokkr::bench
