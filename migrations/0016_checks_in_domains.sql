-- Issue 13, the lifecycle's cost (ADR 0071): ephemeral_work's checks move from the table into
-- domains.
--
-- PostgreSQL keeps a table's CHECK constraints as stored node text and, in every statement that
-- writes the table, reads that text back into expression trees, plans and compiles them before the
-- first row (ExecRelCheck, once per statement, not per session). The lifecycle writes the table in
-- three statements, each paying for five constraints: ExecConstraints took 7.6 % of a backend's
-- CPU in a perf profile of the lifecycle in pgbench (stringToNode 4.9 % overall, most of it there).
-- A domain's checks are read and planned
-- once per session (the type cache) and run only on a value assigned to the column. Same rules,
-- same SQLSTATE (23514) when one is broken; a value an UPDATE does not assign was checked when it
-- was written.
--
-- The domains get their checks after the columns change type, so that the table is not rewritten;
-- the six indexes that use a changed column and have a predicate or an expression are built again,
-- and adding each check to its domain validates the rows in a scan. All of it holds the table's
-- ACCESS EXCLUSIVE lock until the migration commits: on a large table, a pause of seconds, once. Changing
-- a column's type drops its statistics, so the table is analyzed again at the end. The claim
-- trigger's WHEN clause names status, so it is dropped and created again around the change.
-- Brokers still running the previous release hold prepared statements whose result types change
-- here; each of their connections fails one job (or group) as unavailable and is replaced
-- (db_error.cpp, ADR 0071).

CREATE DOMAIN ephemeral_work_status AS VARCHAR(50);
CREATE DOMAIN ephemeral_work_target_match AS VARCHAR(3);
CREATE DOMAIN non_negative_integer AS INTEGER;
CREATE DOMAIN positive_integer AS INTEGER;
CREATE DOMAIN jsonb_object AS JSONB;

DROP TRIGGER ephemeral_work_before_claim ON ephemeral_work;

ALTER TABLE ephemeral_work
    DROP CONSTRAINT ephemeral_work_status_check,
    DROP CONSTRAINT ephemeral_work_target_match_check,
    DROP CONSTRAINT ephemeral_work_check,
    DROP CONSTRAINT ephemeral_work_check1,
    DROP CONSTRAINT ephemeral_work_labels_check,
    ALTER COLUMN status TYPE ephemeral_work_status,
    ALTER COLUMN target_match TYPE ephemeral_work_target_match,
    ALTER COLUMN retry_count TYPE non_negative_integer,
    ALTER COLUMN max_retries TYPE non_negative_integer,
    ALTER COLUMN attempt TYPE non_negative_integer,
    ALTER COLUMN ttl_seconds TYPE non_negative_integer,
    ALTER COLUMN claim_timeout_seconds TYPE positive_integer,
    ALTER COLUMN backoff_base_seconds TYPE positive_integer,
    ALTER COLUMN lease_seconds TYPE positive_integer,
    ALTER COLUMN labels TYPE jsonb_object;

ALTER DOMAIN ephemeral_work_status ADD CONSTRAINT ephemeral_work_status_check CHECK (VALUE IN
    ('PENDING', 'CLAIMED', 'COMPLETED', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'CANCELED'));
ALTER DOMAIN ephemeral_work_target_match ADD CONSTRAINT ephemeral_work_target_match_check
    CHECK (VALUE IN ('all', 'any'));
ALTER DOMAIN non_negative_integer ADD CONSTRAINT non_negative_integer_check CHECK (VALUE >= 0);
ALTER DOMAIN positive_integer ADD CONSTRAINT positive_integer_check CHECK (VALUE > 0);
ALTER DOMAIN jsonb_object ADD CONSTRAINT jsonb_object_check CHECK (jsonb_typeof(VALUE) = 'object');

CREATE TRIGGER ephemeral_work_before_claim BEFORE UPDATE ON ephemeral_work
    FOR EACH ROW WHEN (NEW.status = 'CLAIMED' AND OLD.status <> 'CLAIMED')
    EXECUTE FUNCTION ephemeral_work_before_claim();

ANALYZE ephemeral_work;
