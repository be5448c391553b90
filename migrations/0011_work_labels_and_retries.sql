-- Labels people put on their work (team=web, release=1.4): metadata for finding and bulk-acting
-- on items, never used for targeting. And the link from an item created by `retry` to the item it
-- repeats; no foreign key, since the original is purged after its TTL while the retry lives on
-- (ADR 0056).
ALTER TABLE ephemeral_work
    ADD COLUMN labels   JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(labels) = 'object'),
    ADD COLUMN retry_of UUID;

-- Equality terms of a selector become one containment test (labels @> '{"team":"web"}'), which
-- this index answers.
CREATE INDEX ephemeral_work_labels ON ephemeral_work USING gin (labels jsonb_path_ops)
    WHERE deleted_at IS NULL;

-- A Kubernetes label selector, already parsed by the broker into
--   [{"key": "team", "op": "in" | "notin" | "exists" | "!exists", "values": ["web"]}, ...]
-- (k=v is "in" with one value, k!=v "notin"). Every term must hold; an absent key satisfies
-- notin and !exists, as in Kubernetes.
CREATE FUNCTION ephemeral_work_labels_match(labels JSONB, selector JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_and(CASE r->>'op'
        WHEN 'exists'  THEN labels ? (r->>'key')
        WHEN '!exists' THEN NOT labels ? (r->>'key')
        WHEN 'in'      THEN coalesce(labels->>(r->>'key') IN (SELECT jsonb_array_elements_text(r->'values')), false)
        WHEN 'notin'   THEN NOT coalesce(labels->>(r->>'key') IN (SELECT jsonb_array_elements_text(r->'values')), false)
        ELSE false
    END), true)
    FROM jsonb_array_elements(selector) AS r
$$;
