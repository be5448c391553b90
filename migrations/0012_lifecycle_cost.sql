-- Issue 13, the lifecycle's cost (docs/benchmarks.md, "Where a lifecycle's time goes").

-- 1. The retry hold of 0007, inlinable. As one SQL function with an EXISTS inside, the planner could
-- not inline it, so claim-next called it once for every claimable target row of the agent before
-- sorting and taking the first: 7 us per pending item, 1.4 ms per claim at 200 pending, growing
-- with the queue. Split in two, the outer one is a plain expression the planner inlines, and the
-- sub-select (the only costly part) runs only for a FAILED_RETRYABLE row of this very claimer.
-- Same rule, same signature: every statement that calls it is unchanged.
CREATE FUNCTION ephemeral_work_other_target_active(p_work_id UUID, p_agent_id UUID) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM ephemeral_work_targets t JOIN agents a ON a.id = t.agent_id
                 WHERE t.work_id = p_work_id AND t.agent_id <> p_agent_id
                   AND a.status = 'ACTIVE' AND a.deleted_at IS NULL)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION ephemeral_work_retry_held(p_work_id UUID, p_status TEXT, p_claimed_by UUID,
                                                     p_next_retry_after TIMESTAMPTZ, p_agent_id UUID,
                                                     p_hold_seconds INT) RETURNS boolean AS $$
  SELECT p_status = 'FAILED_RETRYABLE' AND p_hold_seconds > 0 AND p_claimed_by = p_agent_id
     AND now() < p_next_retry_after + make_interval(secs => p_hold_seconds)
     AND ephemeral_work_other_target_active(p_work_id, p_agent_id)
$$ LANGUAGE sql STABLE;

-- 2. A submit in one round trip. It was seven (BEGIN, unknown agents, insert, selector, resolve,
-- read back, COMMIT), and on this machine a round trip costs about 120 us of client and server
-- time beside the statement itself, more than the insert. The steps and their order are the same;
-- the caller runs this as one statement, so it is one transaction and a refusal writes nothing.
-- Outcomes, as columns rather than exceptions so that the repository names the field:
--   unknown_agent set            an explicit target names no live agent; nothing was written
--   created, item                the new item, its targets resolved
--   NOT created, item            a live item already holds the idempotency key: that one
--   NOT created, item NULL       the key's holder was deleted between the two statements: retry
-- Targets: named explicitly; or, when the item has a selector, every live agent holding ALL its
-- annotations and ALL its labels (at least one with target_match 'any'), computed as sets
-- (integration_persistence checks this against ephemeral_work_agent_matches of 0006).
CREATE FUNCTION ephemeral_work_submit(
    p_work_type TEXT, p_crd_spec TEXT, p_max_retries INT, p_claim_timeout_seconds INT, p_ttl_seconds INT,
    p_backoff_base_seconds INT, p_lease_seconds INT, p_priority INT, p_idempotency_key TEXT,
    p_target_match TEXT, p_labels JSONB, p_retry_of UUID,
    p_agent_ids UUID[], p_target_labels TEXT[], p_annotation_keys TEXT[], p_annotation_values TEXT[])
RETURNS TABLE (created BOOLEAN, unknown_agent TEXT, item ephemeral_work, targets TEXT) AS $$
DECLARE
  new_id UUID;
  nlab   INT := cardinality(p_target_labels);
  nann   INT := cardinality(p_annotation_keys);
BEGIN
  SELECT x::text INTO unknown_agent FROM unnest(p_agent_ids) x
  WHERE NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = x AND a.deleted_at IS NULL) LIMIT 1;
  IF unknown_agent IS NOT NULL THEN
    created := false;
    RETURN NEXT;
    RETURN;
  END IF;

  INSERT INTO ephemeral_work (work_type, crd_spec, max_retries, claim_timeout_seconds, ttl_seconds,
                              backoff_base_seconds, lease_seconds, priority, idempotency_key, target_match,
                              labels, retry_of)
  VALUES (p_work_type, p_crd_spec, p_max_retries, p_claim_timeout_seconds, p_ttl_seconds,
          p_backoff_base_seconds, p_lease_seconds, p_priority, p_idempotency_key, p_target_match,
          p_labels, p_retry_of)
  ON CONFLICT (idempotency_key) WHERE deleted_at IS NULL AND idempotency_key IS NOT NULL DO NOTHING
  RETURNING id INTO new_id;
  IF new_id IS NULL THEN
    created := false;
    SELECT * INTO item FROM ephemeral_work w WHERE w.idempotency_key = p_idempotency_key AND w.deleted_at IS NULL;
    IF FOUND THEN
      targets := ephemeral_work_targets_json(item.id);
    END IF;
    RETURN NEXT;
    RETURN;
  END IF;

  INSERT INTO ephemeral_work_target_agents (work_id, agent_id) SELECT new_id, x FROM unnest(p_agent_ids) x;
  INSERT INTO ephemeral_work_target_labels (work_id, label) SELECT new_id, x FROM unnest(p_target_labels) x;
  INSERT INTO ephemeral_work_target_annotations (work_id, key, value)
  SELECT new_id, k, v FROM unnest(p_annotation_keys, p_annotation_values) AS u(k, v);

  INSERT INTO ephemeral_work_targets (work_id, agent_id)
  WITH label_ok AS (
      SELECT al.agent_id FROM agent_labels al
      WHERE al.label = ANY (p_target_labels)
      GROUP BY al.agent_id
      HAVING count(*) >= CASE WHEN p_target_match = 'any' THEN 1 ELSE nlab END
  ), annotation_ok AS (
      SELECT an.agent_id FROM agent_annotations an
      JOIN unnest(p_annotation_keys, p_annotation_values) AS u(k, v) ON an.key = u.k AND an.value = u.v
      GROUP BY an.agent_id
      HAVING count(*) = nann
  ), selected AS (
      SELECT agent_id FROM label_ok WHERE nann = 0 AND nlab > 0
      UNION SELECT agent_id FROM annotation_ok WHERE nlab = 0 AND nann > 0
      UNION (SELECT agent_id FROM label_ok WHERE nann > 0 INTERSECT SELECT agent_id FROM annotation_ok WHERE nlab > 0)
      UNION SELECT x FROM unnest(p_agent_ids) x
  )
  SELECT new_id, a.id FROM agents a JOIN selected s ON s.agent_id = a.id
  WHERE a.deleted_at IS NULL
  ON CONFLICT DO NOTHING;

  created := true;
  SELECT * INTO item FROM ephemeral_work w WHERE w.id = new_id;
  targets := ephemeral_work_targets_json(new_id);
  RETURN NEXT;
END;
$$ LANGUAGE plpgsql;

-- 3. The new item's notice carries its targets. The insert's notice used to fire before the
-- targets were written, so every broker's work-item actor read the row back before it could offer
-- the item to an agent: one more statement per submit, and a database hop on the pickup path. The
-- insert's event and notice now come at commit (a deferred constraint trigger), when the targets
-- are there, and name up to 100 of them; a wider item's notice names none and its actor reads the
-- row as before (a NOTIFY payload must stay under 8,000 bytes). Updates keep their immediate
-- trigger, so an item's events stay in the order of its transitions.
CREATE OR REPLACE FUNCTION ephemeral_work_after_change() RETURNS trigger AS $$
DECLARE
  from_status VARCHAR(50);
  event_id    BIGINT;
  note        TEXT;
  target_list JSON;
  ntargets    INT;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.status = OLD.status AND NEW.cancel_requested = OLD.cancel_requested THEN
      RETURN NULL;
    END IF;
    from_status := OLD.status;
  END IF;
  note := NEW.result_message;
  IF TG_OP = 'UPDATE' AND NEW.status = OLD.status THEN
    note := 'cancel requested';
  END IF;
  INSERT INTO ephemeral_work_events (work_id, from_status, to_status, agent_id, attempt, retry_count, reason, message)
  VALUES (NEW.id, from_status, NEW.status, NEW.claimed_by, NEW.attempt, NEW.retry_count,
          CASE WHEN NEW.status IN ('PENDING', 'CLAIMED') THEN NULL ELSE NEW.failure_reason END, note)
  RETURNING id INTO event_id;
  IF NEW.status IN ('COMPLETED', 'FAILED_PERMANENT', 'CANCELED') THEN
    DELETE FROM ephemeral_work_targets WHERE work_id = NEW.id;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT json_agg(s.agent_id), count(*) INTO target_list, ntargets
    FROM (SELECT agent_id FROM ephemeral_work_targets WHERE work_id = NEW.id LIMIT 101) s;
    IF ntargets > 100 THEN
      target_list := NULL;
    ELSIF ntargets = 0 THEN
      target_list := '[]'::json;
    END IF;
  END IF;
  -- The deadlines ride along (milliseconds since the epoch, with the database's now()), so a
  -- work-item actor can arm its timers from the notice without reading the row again.
  PERFORM pg_notify('brokkr_work', json_build_object(
      'id', NEW.id, 'status', NEW.status, 'attempt', NEW.attempt, 'event_id', event_id,
      'cancel_requested', NEW.cancel_requested, 'claimed_by', NEW.claimed_by,
      'lease_ms', (extract(epoch FROM NEW.lease_expires_at) * 1000)::bigint,
      'deadline_ms', (extract(epoch FROM NEW.claim_deadline) * 1000)::bigint,
      'retry_ms', (extract(epoch FROM NEW.next_retry_after) * 1000)::bigint,
      'now_ms', (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
      'targets', target_list)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER ephemeral_work_after_change ON ephemeral_work;
CREATE TRIGGER ephemeral_work_after_change AFTER UPDATE ON ephemeral_work
    FOR EACH ROW EXECUTE FUNCTION ephemeral_work_after_change();
CREATE CONSTRAINT TRIGGER ephemeral_work_after_insert AFTER INSERT ON ephemeral_work
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ephemeral_work_after_change();
