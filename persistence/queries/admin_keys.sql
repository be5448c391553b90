-- Statements on admin_keys (migration 0003).

-- name: admin_keys_count_active
SELECT count(*) AS n FROM admin_keys WHERE revoked_at IS NULL;

-- name: admin_keys_find
-- $1 the key's short id. The caller compares pak_hash in constant time.
SELECT id, pak_hash FROM admin_keys WHERE pak_short = $1 AND revoked_at IS NULL;

-- name: admin_keys_insert
INSERT INTO admin_keys (pak_short, pak_hash, description) VALUES ($1, $2, $3) RETURNING id;

-- name: admin_keys_insert_if_none
-- First-start bootstrap, after admin_keys_lock_bootstrap in the same transaction: inserts only
-- while no active admin key exists, so brokers starting together create one key between them.
INSERT INTO admin_keys (pak_short, pak_hash, description)
SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM admin_keys WHERE revoked_at IS NULL)
RETURNING id;

-- name: admin_keys_lock_bootstrap
SELECT pg_advisory_xact_lock(7406320511);
