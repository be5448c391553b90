-- One targeting rule, used both when work is created and when an agent appears or changes:
-- an agent is a target if it is named explicitly, or if the item has a label/annotation selector
-- and the agent has ALL selected annotations and ALL selected labels (ANY with target_match 'any').
CREATE FUNCTION ephemeral_work_agent_matches(p_work_id UUID, p_agent_id UUID) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM ephemeral_work_target_agents ta
                 WHERE ta.work_id = p_work_id AND ta.agent_id = p_agent_id)
      OR (
        (EXISTS (SELECT 1 FROM ephemeral_work_target_labels WHERE work_id = p_work_id)
         OR EXISTS (SELECT 1 FROM ephemeral_work_target_annotations WHERE work_id = p_work_id))
        AND NOT EXISTS (
          SELECT 1 FROM ephemeral_work_target_annotations tn
          WHERE tn.work_id = p_work_id AND NOT EXISTS (
            SELECT 1 FROM agent_annotations an
            WHERE an.agent_id = p_agent_id AND an.key = tn.key AND an.value = tn.value))
        AND (
          NOT EXISTS (SELECT 1 FROM ephemeral_work_target_labels WHERE work_id = p_work_id)
          OR CASE (SELECT target_match FROM ephemeral_work WHERE id = p_work_id)
               WHEN 'any' THEN EXISTS (
                 SELECT 1 FROM ephemeral_work_target_labels tl
                 JOIN agent_labels al ON al.label = tl.label AND al.agent_id = p_agent_id
                 WHERE tl.work_id = p_work_id)
               ELSE NOT EXISTS (
                 SELECT 1 FROM ephemeral_work_target_labels tl
                 WHERE tl.work_id = p_work_id AND NOT EXISTS (
                   SELECT 1 FROM agent_labels al WHERE al.agent_id = p_agent_id AND al.label = tl.label))
             END))
$$ LANGUAGE sql STABLE;

-- The selector as submitted plus the agents it resolves to now, as one JSON text column, so every
-- statement that returns an item (including UPDATE ... RETURNING) returns it whole.
CREATE FUNCTION ephemeral_work_targets_json(p_work_id UUID) RETURNS text AS $$
  SELECT json_build_object(
    'agent_ids', COALESCE((SELECT json_agg(agent_id ORDER BY agent_id)
                           FROM ephemeral_work_target_agents WHERE work_id = p_work_id), '[]'::json),
    'labels', COALESCE((SELECT json_agg(label ORDER BY label)
                        FROM ephemeral_work_target_labels WHERE work_id = p_work_id), '[]'::json),
    'annotations', COALESCE((SELECT json_object_agg(key, value ORDER BY key)
                             FROM ephemeral_work_target_annotations WHERE work_id = p_work_id), '{}'::json),
    'resolved', COALESCE((SELECT json_agg(agent_id ORDER BY agent_id)
                          FROM ephemeral_work_targets WHERE work_id = p_work_id), '[]'::json))::text
$$ LANGUAGE sql STABLE;

-- Labels and annotations of an agent, same idea.
CREATE FUNCTION agent_labels_json(p_agent_id UUID) RETURNS text AS $$
  SELECT COALESCE((SELECT json_agg(label ORDER BY label) FROM agent_labels WHERE agent_id = p_agent_id),
                  '[]'::json)::text
$$ LANGUAGE sql STABLE;
CREATE FUNCTION agent_annotations_json(p_agent_id UUID) RETURNS text AS $$
  SELECT COALESCE((SELECT json_object_agg(key, value ORDER BY key) FROM agent_annotations
                   WHERE agent_id = p_agent_id), '{}'::json)::text
$$ LANGUAGE sql STABLE;
