-- Statements on agents, agent_labels and agent_annotations (migration 0002).
-- Soft-deleted agents are invisible to every statement here.

-- name: agent_annotations_delete
DELETE FROM agent_annotations WHERE agent_id = $1 AND key = ANY ($2::text[]);

-- name: agent_annotations_replace
-- $2 keys, $3 values: the agent's whole annotation set. The DELETE leaves the keys that stay: a
-- DELETE and an INSERT of the same key in one statement collide on the primary key (both run on one
-- snapshot), which made a replace that kept a key fail with 409.
WITH cleared AS (DELETE FROM agent_annotations WHERE agent_id = $1 AND key <> ALL ($2::text[]))
INSERT INTO agent_annotations (agent_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
ON CONFLICT (agent_id, key) DO UPDATE SET value = EXCLUDED.value;

-- name: agent_annotations_upsert
INSERT INTO agent_annotations (agent_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
ON CONFLICT (agent_id, key) DO UPDATE SET value = EXCLUDED.value;

-- name: agent_labels_add
INSERT INTO agent_labels (agent_id, label) SELECT $1, x FROM unnest($2::text[]) x ON CONFLICT DO NOTHING;

-- name: agent_labels_delete
DELETE FROM agent_labels WHERE agent_id = $1 AND label = ANY ($2::text[]);

-- name: agent_labels_replace
-- The labels that stay are neither deleted nor inserted (see agent_annotations_replace).
WITH cleared AS (DELETE FROM agent_labels WHERE agent_id = $1 AND label <> ALL ($2::text[]))
INSERT INTO agent_labels (agent_id, label) SELECT $1, x FROM unnest($2::text[]) x ON CONFLICT DO NOTHING;

-- name: agent_presence_record
-- One write for every agent a broker saw since its last one: $1 ids, $2 transports ('caf'/'http'),
-- $3 connected, $4 when (the broker's clock). Ids appear once. A mark older than the stored one
-- (another replica saw the agent later) changes nothing; unknown or deleted agents are skipped.
INSERT INTO agent_presence (agent_id, transport, connected, last_seen_at)
SELECT u.id, u.transport, u.connected, u.seen
FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::timestamptz[]) AS u(id, transport, connected, seen)
JOIN agents a ON a.id = u.id AND a.deleted_at IS NULL
ON CONFLICT (agent_id) DO UPDATE
SET transport = EXCLUDED.transport, connected = EXCLUDED.connected, last_seen_at = EXCLUDED.last_seen_at
WHERE agent_presence.last_seen_at <= EXCLUDED.last_seen_at;

-- name: agents_cursor_known
-- Whether a list cursor still names a row (an empty page after a purged cursor must not look like the end).
SELECT EXISTS (SELECT 1 FROM agents WHERE id = $1) AS known;

-- name: agents_find_by_key
-- $1 the key's short id. The caller compares pak_hash in constant time.
SELECT id, status, pak_hash FROM agents WHERE pak_short = $1 AND deleted_at IS NULL;

-- name: agents_get
SELECT a.*, agent_labels_json(a.id) AS labels, agent_annotations_json(a.id) AS annotations,
       p.transport AS presence_transport, p.connected AS presence_connected, p.last_seen_at,
       EXTRACT(EPOCH FROM now() - p.last_seen_at)::float8 AS seen_seconds_ago
FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id
WHERE a.id = $1 AND a.deleted_at IS NULL;

-- name: agents_heartbeat
UPDATE agents SET last_heartbeat_at = now() WHERE id = $1 AND deleted_at IS NULL
RETURNING last_heartbeat_at;

-- name: agents_insert
INSERT INTO agents (name, cluster_name, status, pak_short, pak_hash) VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: agents_list
-- $1 status (NULL: any), $2 label (NULL: any), $3 cursor id, $4 limit. Ordered by name, cluster, id.
SELECT a.*, agent_labels_json(a.id) AS labels, agent_annotations_json(a.id) AS annotations,
       p.transport AS presence_transport, p.connected AS presence_connected, p.last_seen_at,
       EXTRACT(EPOCH FROM now() - p.last_seen_at)::float8 AS seen_seconds_ago
FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id
WHERE a.deleted_at IS NULL
  AND ($1::text IS NULL OR a.status = $1)
  AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM agent_labels l WHERE l.agent_id = a.id AND l.label = $2))
  AND ($3::uuid IS NULL OR (a.name, a.cluster_name, a.id) >
       (SELECT c.name, c.cluster_name, c.id FROM agents c WHERE c.id = $3))
ORDER BY a.name, a.cluster_name, a.id
LIMIT $4;

-- name: agents_lock
-- Serialises changes to one agent's labels and annotations with its re-targeting.
SELECT id FROM agents WHERE id = $1 AND deleted_at IS NULL FOR UPDATE;

-- name: agents_notify
-- Tells every broker replica (at commit) that this agent changed, so its sessions re-check work.
SELECT pg_notify('brokkr_agent', $1::text);

-- name: agents_rotate_key
UPDATE agents SET pak_short = $2, pak_hash = $3 WHERE id = $1 AND deleted_at IS NULL RETURNING id;

-- name: agents_soft_delete
-- The key stops working at once; the agent stops being a target of live work (its current claims
-- run out through their leases).
WITH gone AS (
    UPDATE agents SET deleted_at = now(), pak_short = NULL, pak_hash = NULL, status = 'INACTIVE'
    WHERE id = $1 AND deleted_at IS NULL RETURNING id
), untargeted AS (
    DELETE FROM ephemeral_work_targets t WHERE t.agent_id IN (SELECT id FROM gone)
)
SELECT id FROM gone;

-- name: agents_update_status
UPDATE agents SET status = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id;
