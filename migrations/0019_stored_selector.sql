-- Issue 13, the lifecycle's cost (ADR 0075): an item's selector is stored with it.
--
-- Every statement that answers with an item returns its targets' JSON
-- (ephemeral_work_targets_json, 0013): the selector's three lists (the named agents, the labels,
-- the annotations) and the agents it resolved to, four queries per item. The lifecycle answers
-- twice after the submit (the claim, the completion), and counted by valgrind on the backend
-- (scripts/bench --instructions, ADR 0074) each answer cost about 275,000 instructions, nearly all
-- in the four queries. The selector never changes after the submit; only the resolved agents do
-- (ephemeral_work_retarget_agent, and the terminal transition removes them). So the submit now
-- stores the selector's JSON in the row, and the answer reads one query, the resolved agents.
--
-- Items submitted before this migration have no stored selector (NULL) and are answered from the
-- tables as before; so is any row written by other means. The JSON is the same text either way
-- (integration_persistence compares the two for random selectors). Adding a nullable column
-- without a default rewrites nothing; brokers still on the previous release see the column in
-- every `*` they prepared, and each of their connections fails one job as unavailable and is
-- replaced (SQLSTATE 0A000, ADR 0071).

ALTER TABLE ephemeral_work ADD COLUMN target_selector TEXT;

-- The targets' JSON of item p_work_id whose stored selector is p_selector (NULL or empty: read it
-- from the selector tables, as the one-argument form does). Nothing changes an item's selector
-- tables after its submit; whatever ever does must write target_selector in the same statement.
CREATE FUNCTION ephemeral_work_targets_json(p_work_id UUID, p_selector TEXT) RETURNS text AS $$
BEGIN
  IF p_selector IS NULL OR p_selector = '' THEN
    RETURN ephemeral_work_targets_json(p_work_id);
  END IF;
  RETURN left(p_selector, -1) || ', "resolved" : ' ||
         COALESCE((SELECT json_agg(agent_id ORDER BY agent_id) FROM ephemeral_work_targets
                   WHERE work_id = p_work_id)::text, '[]') || '}';
END;
$$ LANGUAGE plpgsql STABLE;

-- The submit of 0015, storing the selector it builds its answer from.
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
  selector TEXT;
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
  selector := json_build_object(
    'agent_ids', COALESCE((SELECT json_agg(x ORDER BY x) FROM unnest(p_agent_ids) x), '[]'::json),
    'labels', COALESCE((SELECT json_agg(x ORDER BY x) FROM unnest(p_target_labels) x), '[]'::json),
    'annotations', COALESCE((SELECT json_object_agg(k, v ORDER BY k) FROM unnest(p_annotation_keys, p_annotation_values) AS u(k, v)), '{}'::json))::text;
  INSERT INTO ephemeral_work (work_type, crd_spec, max_retries, claim_timeout_seconds, ttl_seconds,
                              backoff_base_seconds, lease_seconds, priority, idempotency_key, target_match,
                              labels, retry_of, target_selector)
  VALUES (p_work_type, p_crd_spec, p_max_retries, p_claim_timeout_seconds, p_ttl_seconds,
          p_backoff_base_seconds, p_lease_seconds, p_priority, p_idempotency_key, p_target_match,
          p_labels, p_retry_of, selector)
  ON CONFLICT (idempotency_key) WHERE deleted_at IS NULL AND idempotency_key IS NOT NULL DO NOTHING
  RETURNING * INTO item;
  IF NOT FOUND THEN
    created := false;
    SELECT * INTO item FROM ephemeral_work w WHERE w.idempotency_key = p_idempotency_key AND w.deleted_at IS NULL;
    IF FOUND THEN
      targets := ephemeral_work_targets_json(item.id, item.target_selector);
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
  -- The same JSON as ephemeral_work_targets_json, from what this call was given and wrote.
  targets := left(selector, -1) || ', "resolved" : ' || COALESCE(resolved::text, '[]') || '}';
  RETURN NEXT;
END;
$$ LANGUAGE plpgsql;
