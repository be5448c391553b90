-- Statements on ephemeral_work and its side tables (migrations 0004-0008), one per lifecycle
-- operation, named <table>_<verb>, in alphabetical order. Every transition is guarded in its WHERE
-- clause and returns what it changed; zero rows means the guard failed and nothing was written.
-- Events, NOTIFY and the removal of a finished item's targets come from the triggers of 0005 and 0012.

-- name: ephemeral_work_apply_transitions
-- Writes decisions of actors/lifecycle (complete, expire) for many items at once, each fenced by
-- what it was decided on: the claim ($2 attempt, $11 claimer) and the cancel request ($10; NULL: the
-- decision did not depend on it). $4 NULL keeps retry_count; $9: result_details per item, NULL
-- keeps the column. An item that changed since is not written (and not returned).
UPDATE ephemeral_work w SET
    status           = u.status,
    retry_count      = COALESCE(u.retry_count, w.retry_count),
    next_retry_after = CASE WHEN u.retry_after IS NULL THEN NULL
                            ELSE now() + make_interval(secs => u.retry_after) END,
    completed_at     = CASE WHEN u.ends THEN now() ELSE w.completed_at END,
    failure_reason   = u.failure_reason,
    result_message   = u.result_message,
    result_details   = COALESCE(u.result_details, w.result_details),
    lease_expires_at = NULL,
    claim_deadline   = NULL
FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::int[], $6::bool[], $7::text[], $8::text[], $9::text[],
            $10::bool[], $11::uuid[])
     AS u(id, attempt, status, retry_count, retry_after, ends, failure_reason, result_message, result_details,
          cancel_requested, claimed_by)
WHERE w.id = u.id AND w.status = 'CLAIMED' AND w.attempt = u.attempt AND w.claimed_by IS NOT DISTINCT FROM u.claimed_by
  AND (u.cancel_requested IS NULL OR w.cancel_requested = u.cancel_requested) AND w.deleted_at IS NULL
RETURNING w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets;

-- name: ephemeral_work_cancel
-- Unclaimed work ends CANCELED at once; claimed work gets cancel_requested and ends when its
-- claimer reports (or its claim expires).
UPDATE ephemeral_work SET
    status           = CASE WHEN status = 'CLAIMED' THEN status ELSE 'CANCELED' END,
    completed_at     = CASE WHEN status = 'CLAIMED' THEN completed_at ELSE now() END,
    failure_reason   = CASE WHEN status = 'CLAIMED' THEN failure_reason ELSE 'Canceled' END,
    result_message   = CASE WHEN status = 'CLAIMED' THEN result_message ELSE 'canceled before it was claimed' END,
    next_retry_after = CASE WHEN status = 'CLAIMED' THEN next_retry_after ELSE NULL END,
    cancel_requested = (status = 'CLAIMED')
WHERE id = $1 AND deleted_at IS NULL AND ephemeral_work_is_live(status)
RETURNING *, ephemeral_work_targets_json(id, target_selector) AS targets;

-- name: ephemeral_work_claim_by_id
-- $1 work id, $2 agent id, $3 retry hold (seconds). The agent must be a target, and the item
-- claimable by it (0008); the claim's other columns are the trigger's (0008).
UPDATE ephemeral_work w SET status = 'CLAIMED', claimed_by = $2
WHERE w.id = $1 AND w.deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM ephemeral_work_targets t WHERE t.work_id = w.id AND t.agent_id = $2)
  AND ephemeral_work_claimable(w.status, w.next_retry_after) AND (SELECT ephemeral_work_agent_may_claim($2))
  AND NOT ephemeral_work_retry_held(w.id, w.status, w.claimed_by, w.next_retry_after, $2, $3)
RETURNING w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets;

-- name: ephemeral_work_claim_next
-- $1 agent id, $2 work types the agent runs (empty: any), $3 retry hold (seconds), $4 how many.
-- Highest priority first, then oldest; rows other claimers hold are skipped, not waited for.
-- The agent's own targets are read first and each item is looked up by its key (the fences, OFFSET
-- 0, keep the planner to that order): a claim reads what the agent may claim and nothing else. A
-- plan that starts from a status index reads, through a bitmap, an entry for every version of
-- every item that changed status since the last VACUUM, and bitmap scans never mark entries dead
-- (ADR 72). The lock then takes the first of them, in that order, that is still claimable: the
-- conditions are checked again on the row as it is when locked. RETURNING follows the UPDATE's join,
-- so the batch is put back in that order at the end.
WITH candidate AS (
    SELECT locked.id FROM (
        SELECT w.id, w.priority, w.created_at FROM ephemeral_work_targets t
        CROSS JOIN LATERAL (
            SELECT w.id, w.priority, w.created_at FROM ephemeral_work w
            WHERE w.id = t.work_id AND w.deleted_at IS NULL
              AND (cardinality($2::text[]) = 0 OR w.work_type = ANY ($2::text[]))
              AND ephemeral_work_claimable(w.status, w.next_retry_after)
              AND NOT ephemeral_work_retry_held(w.id, w.status, w.claimed_by, w.next_retry_after, $1, $3)
            OFFSET 0) w
        WHERE t.agent_id = $1 AND (SELECT ephemeral_work_agent_may_claim($1))
        ORDER BY w.priority DESC, w.created_at, w.id
        OFFSET 0) ranked
    CROSS JOIN LATERAL (
        SELECT w.id FROM ephemeral_work w
        WHERE w.id = ranked.id AND w.deleted_at IS NULL
          AND ephemeral_work_claimable(w.status, w.next_retry_after)
          AND NOT ephemeral_work_retry_held(w.id, w.status, w.claimed_by, w.next_retry_after, $1, $3)
        FOR UPDATE SKIP LOCKED) locked
    LIMIT $4
), claimed AS (
    UPDATE ephemeral_work w SET status = 'CLAIMED', claimed_by = $1
    FROM candidate WHERE w.id = candidate.id
    RETURNING w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets
)
SELECT * FROM claimed ORDER BY priority DESC, created_at, id;

-- name: ephemeral_work_claimed_by_agent
-- What an agent still holds (its restart recovery asks for this).
SELECT w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets FROM ephemeral_work w
WHERE w.claimed_by = $1 AND w.status = 'CLAIMED' AND w.deleted_at IS NULL
ORDER BY w.claimed_at;

-- name: ephemeral_work_completion_inputs
-- What a lone completion is decided on, read without a lock (a success is tried on its claim
-- first): the write that follows is fenced by status, attempt, claimer and cancel request
-- (ephemeral_work_apply_transitions).
SELECT id, status, claimed_by, attempt, retry_count, max_retries, backoff_base_seconds, cancel_requested
FROM ephemeral_work WHERE id = $1 AND deleted_at IS NULL;

-- name: ephemeral_work_count_by_status
SELECT status, count(*) AS n FROM ephemeral_work WHERE deleted_at IS NULL GROUP BY status;

-- name: ephemeral_work_cursor_known
-- Whether a list cursor still names a row (an empty page after a purged cursor must not look like the end).
SELECT EXISTS (SELECT 1 FROM ephemeral_work WHERE id = $1) AS known;

-- name: ephemeral_work_events_list
-- $1 work id, $2 after event id, $3 limit.
SELECT * FROM ephemeral_work_events WHERE work_id = $1 AND id > $2 ORDER BY id LIMIT $3;

-- name: ephemeral_work_events_since
-- Every item's transitions after event id $1, oldest first, $2 at most (the console's live feed).
SELECT * FROM ephemeral_work_events WHERE id > $1 ORDER BY id LIMIT $2;

-- name: ephemeral_work_expire_agent_leases
-- Ends the leases of an agent whose session is gone for good; the expirer then takes the claims back.
UPDATE ephemeral_work SET lease_expires_at = now()
WHERE claimed_by = $1 AND status = 'CLAIMED' AND lease_expires_at > now()
RETURNING id;

-- name: ephemeral_work_get
SELECT w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets FROM ephemeral_work w
WHERE w.id = $1 AND w.deleted_at IS NULL;

-- name: ephemeral_work_heartbeat_many
-- Renews the leases of current claims, each fenced by claimer and attempt ($1 ids, $2 agents, $3
-- attempts, in step), and records the agents' liveness; the rows tell each claimer whether it
-- should cancel. One statement and one transaction for every heartbeat waiting in the pool (group
-- commit); a lone heartbeat is a group of one. Items and agents are locked in id order before
-- they are written, as the completion's lock is, so two concurrent groups cannot deadlock; then
-- each claim still held by that agent with that attempt is renewed. The caller matches the
-- returned rows to its requests by id, claimer and attempt.
WITH wanted AS (
    SELECT DISTINCT u.id, u.agent_id, u.attempt FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS u(id, agent_id, attempt)
), locked AS MATERIALIZED (
    SELECT w.id FROM ephemeral_work w WHERE w.id IN (SELECT id FROM wanted) ORDER BY w.id FOR NO KEY UPDATE
), renewed AS (
    UPDATE ephemeral_work w SET lease_expires_at = now() + make_interval(secs => w.lease_seconds)
    FROM wanted u
    WHERE w.id = u.id AND w.id IN (SELECT id FROM locked) AND w.status = 'CLAIMED' AND w.claimed_by = u.agent_id
      AND w.attempt = u.attempt AND w.deleted_at IS NULL
    RETURNING w.id, w.claimed_by, w.attempt, w.cancel_requested, w.lease_expires_at
), agents_locked AS MATERIALIZED (
    SELECT a.id FROM agents a WHERE a.id IN (SELECT claimed_by FROM renewed) ORDER BY a.id FOR NO KEY UPDATE
), seen AS (
    UPDATE agents a SET last_heartbeat_at = now() WHERE a.id IN (SELECT id FROM agents_locked)
)
SELECT id, claimed_by, attempt, cancel_requested, lease_expires_at FROM renewed;

-- name: ephemeral_work_latest_event_id
SELECT coalesce(max(id), 0) AS id FROM ephemeral_work_events;

-- name: ephemeral_work_list
-- $1 statuses (empty: all), $2 work type, $3 agent (claimer or target), $4 cursor id, $5 limit,
-- $6 label selector terms (NULL: none; see ephemeral_work_labels_match) and $7 the object its
-- equality terms make, for the GIN index. Newest first; keyset pagination on (created_at, id).
SELECT w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets FROM ephemeral_work w
WHERE w.deleted_at IS NULL
  AND (cardinality($1::text[]) = 0 OR w.status = ANY ($1::text[]))
  AND ($2::text IS NULL OR w.work_type = $2)
  AND ($3::uuid IS NULL OR w.claimed_by = $3
       OR EXISTS (SELECT 1 FROM ephemeral_work_targets t WHERE t.work_id = w.id AND t.agent_id = $3))
  AND ($4::uuid IS NULL OR (w.created_at, w.id) < (SELECT c.created_at, c.id FROM ephemeral_work c WHERE c.id = $4))
  AND ($6::jsonb IS NULL OR (w.labels @> $7::jsonb AND ephemeral_work_labels_match(w.labels, $6::jsonb)))
ORDER BY w.created_at DESC, w.id DESC
LIMIT $5;

-- name: ephemeral_work_live_timings
-- Non-terminal items in id order with what ephemeral_work_timing gives for one, for rehydrating
-- work-item actors a page at a time (keyset on id): one read per page, not one per actor.
SELECT w.id, w.status, w.attempt, w.claimed_by, w.lease_expires_at, w.claim_deadline, w.next_retry_after,
       w.cancel_requested,
       COALESCE((SELECT json_agg(t.agent_id) FROM ephemeral_work_targets t WHERE t.work_id = w.id), '[]'::json)::text AS resolved,
       COALESCE((SELECT max(e.id) FROM ephemeral_work_events e WHERE e.work_id = w.id), 0) AS last_event_id,
       now() AS db_now
FROM ephemeral_work w
WHERE ephemeral_work_is_live(w.status) AND w.deleted_at IS NULL AND w.id > $1
ORDER BY w.id LIMIT $2;

-- name: ephemeral_work_lock_for_completion
-- The completion decisions' inputs for the items of a batch ($1), under the row
-- locks until the transaction ends; locked in id order so that concurrent batches cannot deadlock.
SELECT id, status, claimed_by, attempt, retry_count, max_retries, backoff_base_seconds, cancel_requested
FROM ephemeral_work WHERE id = ANY ($1::uuid[]) AND deleted_at IS NULL
ORDER BY id
FOR UPDATE;

-- name: ephemeral_work_lock_stale_claims
-- Claims past their lease or claim deadline ($1: only these ids, NULL: any), oldest deadline
-- first, skipping rows another broker is working on. now() is returned so the decision uses the
-- database's clock.
SELECT id, status, claimed_by, attempt, retry_count, max_retries, backoff_base_seconds, cancel_requested,
       lease_expires_at, claim_deadline, lease_seconds, claim_timeout_seconds, now() AS db_now
FROM ephemeral_work
WHERE status = 'CLAIMED' AND LEAST(lease_expires_at, claim_deadline) <= now() AND deleted_at IS NULL
  AND ($1::uuid[] IS NULL OR id = ANY ($1::uuid[]))
ORDER BY LEAST(lease_expires_at, claim_deadline)
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: ephemeral_work_pending_for_agent
-- What agent $1 may claim now ($2 at most; $3 the retry hold in seconds): its targets that are
-- claimable by it (0008), each looked up by its key as the claim does (ADR 72).
SELECT w.*, ephemeral_work_targets_json(w.id, w.target_selector) AS targets
FROM ephemeral_work_targets t
CROSS JOIN LATERAL (
    SELECT w.* FROM ephemeral_work w
    WHERE w.id = t.work_id AND w.deleted_at IS NULL
      AND ephemeral_work_claimable(w.status, w.next_retry_after)
      AND NOT ephemeral_work_retry_held(w.id, w.status, w.claimed_by, w.next_retry_after, $1, $3)
    OFFSET 0) w
WHERE t.agent_id = $1 AND (SELECT ephemeral_work_agent_may_claim($1))
ORDER BY w.priority DESC, w.created_at, w.id
LIMIT $2;

-- name: ephemeral_work_purge_deleted
-- Removes rows soft-deleted more than $1 seconds ago (side tables by their keys' cascade, events by
-- the delete trigger of migration 0018).
DELETE FROM ephemeral_work WHERE id IN (
    SELECT id FROM ephemeral_work WHERE deleted_at <= now() - make_interval(secs => $1)
    ORDER BY deleted_at LIMIT $2)
RETURNING id;

-- name: ephemeral_work_retarget_agent
-- Re-resolves one agent against every live item after the agent was created or changed, so work
-- submitted before a matching agent existed is not stranded. Returns the items it now targets anew.
-- The rule of ephemeral_work_agent_matches, as sets: an item can only want this agent if its
-- selector names one of the agent's labels or annotations (every selector that matches needs one)
-- or the agent itself, so only those items are read, through the selector indexes of migration
-- 0010. One call of that function per live item cost 3.6 s per agent at 100,000 live items.
WITH me AS (
    SELECT id FROM agents WHERE id = $1 AND deleted_at IS NULL
), candidates AS (
    SELECT tl.work_id FROM agent_labels al
    JOIN ephemeral_work_target_labels tl ON tl.label = al.label
    WHERE al.agent_id = $1
    UNION
    SELECT tn.work_id FROM agent_annotations an
    JOIN ephemeral_work_target_annotations tn ON tn.key = an.key AND tn.value = an.value
    WHERE an.agent_id = $1
    UNION
    SELECT work_id FROM ephemeral_work_target_agents WHERE agent_id = $1
), live AS (
    SELECT e.id, e.target_match FROM ephemeral_work e
    JOIN candidates c ON c.work_id = e.id
    WHERE ephemeral_work_is_live(e.status) AND e.deleted_at IS NULL
), label_counts AS (
    SELECT tl.work_id, count(*) AS wanted, count(al.label) AS held
    FROM ephemeral_work_target_labels tl
    JOIN live ON live.id = tl.work_id
    LEFT JOIN agent_labels al ON al.agent_id = $1 AND al.label = tl.label
    GROUP BY tl.work_id
), annotation_counts AS (
    SELECT tn.work_id, count(*) AS wanted, count(an.key) AS held
    FROM ephemeral_work_target_annotations tn
    JOIN live ON live.id = tn.work_id
    LEFT JOIN agent_annotations an ON an.agent_id = $1 AND an.key = tn.key AND an.value = tn.value
    GROUP BY tn.work_id
), wanted AS (
    SELECT live.id FROM live
    LEFT JOIN label_counts lc ON lc.work_id = live.id
    LEFT JOIN annotation_counts ac ON ac.work_id = live.id
    WHERE EXISTS (SELECT 1 FROM me)
      AND (lc.work_id IS NOT NULL OR ac.work_id IS NOT NULL)
      AND (ac.work_id IS NULL OR ac.held = ac.wanted)
      AND (lc.work_id IS NULL OR CASE live.target_match WHEN 'any' THEN lc.held >= 1 ELSE lc.held = lc.wanted END)
    UNION
    SELECT ta.work_id FROM ephemeral_work_target_agents ta
    JOIN live ON live.id = ta.work_id
    WHERE ta.agent_id = $1 AND EXISTS (SELECT 1 FROM me)
), removed AS (
    -- Target rows exist only for live items (the terminal transition deletes them).
    DELETE FROM ephemeral_work_targets t
    WHERE t.agent_id = $1 AND t.work_id NOT IN (SELECT id FROM wanted)
      AND EXISTS (SELECT 1 FROM ephemeral_work e
                  WHERE e.id = t.work_id AND ephemeral_work_is_live(e.status) AND e.deleted_at IS NULL)
    RETURNING t.work_id
), added AS (
    INSERT INTO ephemeral_work_targets (work_id, agent_id) SELECT id, $1 FROM wanted
    ON CONFLICT DO NOTHING
    RETURNING work_id
)
SELECT work_id FROM added;

-- name: ephemeral_work_soft_delete_expired
-- TTL: terminal items past completed_at + ttl_seconds disappear from the API.
UPDATE ephemeral_work SET deleted_at = now() WHERE id IN (
    SELECT id FROM ephemeral_work WHERE deleted_at IS NULL AND soft_delete_after <= now()
    ORDER BY soft_delete_after LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: ephemeral_work_soft_delete_finished
-- DELETE of an item that has already ended removes it from view (the seed's "cancel/delete").
UPDATE ephemeral_work SET deleted_at = now()
WHERE id = $1 AND deleted_at IS NULL AND ephemeral_work_is_terminal(status)
RETURNING *, ephemeral_work_targets_json(id, target_selector) AS targets;

-- name: ephemeral_work_states_of
-- Why a group of heartbeats was refused: each item's status and attempt as they are ($1 ids).
SELECT id, status, attempt, deleted_at IS NOT NULL AS deleted FROM ephemeral_work WHERE id = ANY ($1::uuid[]);

-- name: ephemeral_work_status_of
-- Why a guarded statement changed nothing: the row as it is (deleted rows count as absent).
SELECT status, claimed_by, attempt, deleted_at IS NOT NULL AS deleted,
       EXISTS (SELECT 1 FROM ephemeral_work_targets t WHERE t.work_id = w.id AND t.agent_id = $2) AS targeted,
       COALESCE((SELECT a.status = 'ACTIVE' AND a.deleted_at IS NULL FROM agents a WHERE a.id = $2), false) AS agent_active,
       next_retry_after, next_retry_after <= now() AS retry_due
FROM ephemeral_work w WHERE id = $1;

-- name: ephemeral_work_submit
-- A new item with its selector and resolved targets, in one call of the function of migration 0012
-- (as 0014 and 0015 left it; $1-$12 the item's columns, $13 agent ids, $14 labels, $15/$16
-- annotation keys/values).
SELECT s.created, s.unknown_agent, (s.item).*, s.targets
FROM ephemeral_work_submit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12,
                           $13::uuid[], $14::text[], $15::text[], $16::text[]) s;

-- name: ephemeral_work_summary
-- Live items by work type and status, and how many of them finished in the last hour.
SELECT work_type, status, count(*) AS n,
       count(*) FILTER (WHERE completed_at > now() - interval '1 hour') AS last_hour
FROM ephemeral_work WHERE deleted_at IS NULL
GROUP BY work_type, status ORDER BY work_type, status;

-- name: ephemeral_work_timing
-- What a work-item actor needs to arm its timers and push: no payloads, plus the database's clock
-- so that delays are computed without trusting the broker's clock.
SELECT w.id, w.status, w.attempt, w.claimed_by, w.lease_expires_at, w.claim_deadline, w.next_retry_after,
       w.cancel_requested,
       COALESCE((SELECT json_agg(t.agent_id) FROM ephemeral_work_targets t WHERE t.work_id = w.id), '[]'::json)::text AS resolved,
       COALESCE((SELECT max(e.id) FROM ephemeral_work_events e WHERE e.work_id = w.id), 0) AS last_event_id,
       now() AS db_now
FROM ephemeral_work w WHERE w.id = $1 AND w.deleted_at IS NULL;
