-- Issue 13, the lifecycle's cost, continued (ADR 0063).
--
-- A SQL-language function that the planner cannot inline (these all hold a sub-select) is planned
-- again at every call from a new statement: the plan lives only as long as the calling query. The
-- lifecycle calls these once per statement on one row (each transition's RETURNING, the claim's
-- InitPlan), so the planning was most of their cost: ephemeral_work_targets_json 0.21 ms per call
-- against 0.10 ms as PL/pgSQL, ephemeral_work_agent_may_claim 0.14 against 0.08 ms (pgbench, one
-- row per statement, round trip included). PL/pgSQL keeps a prepared plan per session for each of
-- its statements. Over many rows in one query both kinds cost the same (about 20 us per row).
-- Same names, signatures, results and volatility: no statement that calls them changes.

CREATE OR REPLACE FUNCTION ephemeral_work_targets_json(p_work_id UUID) RETURNS text AS $$
BEGIN
  RETURN json_build_object(
    'agent_ids', COALESCE((SELECT json_agg(agent_id ORDER BY agent_id)
                           FROM ephemeral_work_target_agents WHERE work_id = p_work_id), '[]'::json),
    'labels', COALESCE((SELECT json_agg(label ORDER BY label)
                        FROM ephemeral_work_target_labels WHERE work_id = p_work_id), '[]'::json),
    'annotations', COALESCE((SELECT json_object_agg(key, value ORDER BY key)
                             FROM ephemeral_work_target_annotations WHERE work_id = p_work_id), '{}'::json),
    'resolved', COALESCE((SELECT json_agg(agent_id ORDER BY agent_id)
                          FROM ephemeral_work_targets WHERE work_id = p_work_id), '[]'::json))::text;
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION ephemeral_work_agent_may_claim(p_agent_id UUID) RETURNS boolean AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM agents a
                 WHERE a.id = p_agent_id AND a.status = 'ACTIVE' AND a.deleted_at IS NULL);
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION ephemeral_work_other_target_active(p_work_id UUID, p_agent_id UUID) RETURNS boolean AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM ephemeral_work_targets t JOIN agents a ON a.id = t.agent_id
                 WHERE t.work_id = p_work_id AND t.agent_id <> p_agent_id
                   AND a.status = 'ACTIVE' AND a.deleted_at IS NULL);
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION agent_labels_json(p_agent_id UUID) RETURNS text AS $$
BEGIN
  RETURN COALESCE((SELECT json_agg(label ORDER BY label) FROM agent_labels WHERE agent_id = p_agent_id),
                  '[]'::json)::text;
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION agent_annotations_json(p_agent_id UUID) RETURNS text AS $$
BEGIN
  RETURN COALESCE((SELECT json_object_agg(key, value ORDER BY key) FROM agent_annotations
                   WHERE agent_id = p_agent_id), '{}'::json)::text;
END;
$$ LANGUAGE plpgsql STABLE;
