-- Issue 13, the submit's own cost (docs/benchmarks.md, "The submit without its idle steps").
--
-- ephemeral_work_submit (0012, 0014) ran every step for every item: the check of named agents
-- when none were named, three selector inserts whose lists were mostly empty, the selector
-- resolution (four set operations) for an item that names only agents, a read of the row its
-- INSERT could return, and ephemeral_work_targets_json, four queries for what the function had
-- just been given or had just written. Each step is a nested statement with its own executor
-- start-up. Now a step runs only when it has something to do, the row comes from the INSERT, an
-- item that names only agents takes them straight from the agent table (the same rows the
-- resolution would select: the named, live agents), and the targets' JSON is built from the
-- parameters and the resolved rows the INSERT returned. Same signature, results, order of the
-- JSON's arrays and side effects; the idempotent hit still reads the holder and its targets.

CREATE OR REPLACE FUNCTION ephemeral_work_submit(
    p_work_type TEXT, p_crd_spec TEXT, p_max_retries INT, p_claim_timeout_seconds INT, p_ttl_seconds INT,
    p_backoff_base_seconds INT, p_lease_seconds INT, p_priority INT, p_idempotency_key TEXT,
    p_target_match TEXT, p_labels JSONB, p_retry_of UUID,
    p_agent_ids UUID[], p_target_labels TEXT[], p_annotation_keys TEXT[], p_annotation_values TEXT[])
RETURNS TABLE (created BOOLEAN, unknown_agent TEXT, item ephemeral_work, targets TEXT) AS $$
DECLARE
  nlab     INT := cardinality(p_target_labels);
  nann     INT := cardinality(p_annotation_keys);
  resolved JSON;
BEGIN
  IF cardinality(p_agent_ids) > 0 THEN
    SELECT x::text INTO unknown_agent FROM unnest(p_agent_ids) x
    WHERE NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = x AND a.deleted_at IS NULL) LIMIT 1;
    IF unknown_agent IS NOT NULL THEN
      created := false;
      RETURN NEXT;
      RETURN;
    END IF;
  END IF;
  INSERT INTO ephemeral_work (work_type, crd_spec, max_retries, claim_timeout_seconds, ttl_seconds,
                              backoff_base_seconds, lease_seconds, priority, idempotency_key, target_match,
                              labels, retry_of)
  VALUES (p_work_type, p_crd_spec, p_max_retries, p_claim_timeout_seconds, p_ttl_seconds,
          p_backoff_base_seconds, p_lease_seconds, p_priority, p_idempotency_key, p_target_match,
          p_labels, p_retry_of)
  ON CONFLICT (idempotency_key) WHERE deleted_at IS NULL AND idempotency_key IS NOT NULL DO NOTHING
  RETURNING * INTO item;
  IF NOT FOUND THEN
    created := false;
    SELECT * INTO item FROM ephemeral_work w WHERE w.idempotency_key = p_idempotency_key AND w.deleted_at IS NULL;
    IF FOUND THEN
      targets := ephemeral_work_targets_json(item.id);
    END IF;
    RETURN NEXT;
    RETURN;
  END IF;
  IF cardinality(p_agent_ids) > 0 THEN
    INSERT INTO ephemeral_work_target_agents (work_id, agent_id) SELECT item.id, x FROM unnest(p_agent_ids) x;
  END IF;
  IF nlab > 0 THEN
    INSERT INTO ephemeral_work_target_labels (work_id, label) SELECT item.id, x FROM unnest(p_target_labels) x;
  END IF;
  IF nann > 0 THEN
    INSERT INTO ephemeral_work_target_annotations (work_id, key, value)
    SELECT item.id, k, v FROM unnest(p_annotation_keys, p_annotation_values) AS u(k, v);
  END IF;
  -- Agents named and no selector: the resolution would select exactly these, the live ones.
  IF nlab = 0 AND nann = 0 THEN
    WITH ins AS (
      INSERT INTO ephemeral_work_targets (work_id, agent_id)
      SELECT item.id, a.id FROM agents a WHERE a.id = ANY (p_agent_ids) AND a.deleted_at IS NULL ORDER BY a.id
      RETURNING agent_id)
    SELECT json_agg(agent_id ORDER BY agent_id) INTO resolved FROM ins;
  ELSE
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
    ), ins AS (
        INSERT INTO ephemeral_work_targets (work_id, agent_id)
        SELECT item.id, a.id FROM agents a JOIN selected s ON s.agent_id = a.id
        WHERE a.deleted_at IS NULL
        ORDER BY a.id
        RETURNING agent_id
    )
    SELECT json_agg(agent_id ORDER BY agent_id) INTO resolved FROM ins;
  END IF;
  created := true;
  -- The same JSON as ephemeral_work_targets_json (0013), from what this call was given and wrote.
  targets := json_build_object(
    'agent_ids', COALESCE((SELECT json_agg(x ORDER BY x) FROM unnest(p_agent_ids) x), '[]'::json),
    'labels', COALESCE((SELECT json_agg(x ORDER BY x) FROM unnest(p_target_labels) x), '[]'::json),
    'annotations', COALESCE((SELECT json_object_agg(k, v ORDER BY k) FROM unnest(p_annotation_keys, p_annotation_values) AS u(k, v)), '{}'::json),
    'resolved', COALESCE(resolved, '[]'::json))::text;
  RETURN NEXT;
END;
$$ LANGUAGE plpgsql;
