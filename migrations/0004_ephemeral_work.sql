-- The ephemeral work queue: the seed's table (BROKKR-I-0001) plus the columns of DESIGN.md section 3.
CREATE TABLE ephemeral_work (
    id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at            TIMESTAMPTZ,

    work_type             VARCHAR(50) NOT NULL,
    crd_spec              TEXT        NOT NULL,

    status                VARCHAR(50) NOT NULL DEFAULT 'PENDING' CHECK (status IN
                              ('PENDING', 'CLAIMED', 'COMPLETED', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'CANCELED')),
    claimed_by            UUID REFERENCES agents (id) ON DELETE SET NULL,
    claimed_at            TIMESTAMPTZ,
    completed_at          TIMESTAMPTZ,

    retry_count           INTEGER NOT NULL DEFAULT 0,
    max_retries           INTEGER NOT NULL DEFAULT 3,
    claim_timeout_seconds INTEGER NOT NULL DEFAULT 3600,
    next_retry_after      TIMESTAMPTZ,

    result_message        TEXT,
    ttl_seconds           INTEGER NOT NULL DEFAULT 3600,

    -- Ours (DESIGN.md section 3).
    backoff_base_seconds  INTEGER NOT NULL DEFAULT 30,
    attempt               INTEGER NOT NULL DEFAULT 0,      -- fencing token, +1 at every claim
    lease_seconds         INTEGER NOT NULL DEFAULT 30,
    lease_expires_at      TIMESTAMPTZ,                     -- renewed by heartbeats while CLAIMED
    claim_deadline        TIMESTAMPTZ,                     -- claimed_at + claim_timeout_seconds
    cancel_requested      BOOLEAN NOT NULL DEFAULT false,
    idempotency_key       VARCHAR(255),
    priority              INTEGER NOT NULL DEFAULT 0,
    failure_reason        VARCHAR(255),
    result_details        TEXT,                            -- JSON object
    target_match          VARCHAR(3) NOT NULL DEFAULT 'all' CHECK (target_match IN ('all', 'any')),
    soft_delete_after     TIMESTAMPTZ,                     -- completed_at + ttl_seconds, kept by trigger

    CHECK (retry_count >= 0 AND max_retries >= 0 AND attempt >= 0),
    CHECK (claim_timeout_seconds > 0 AND ttl_seconds >= 0 AND backoff_base_seconds > 0 AND lease_seconds > 0)
);

-- The seed's indexes.
CREATE INDEX idx_ephemeral_work_status ON ephemeral_work (status);
CREATE INDEX idx_ephemeral_work_type ON ephemeral_work (work_type);
CREATE INDEX idx_ephemeral_work_claimed_by ON ephemeral_work (claimed_by);
CREATE INDEX idx_ephemeral_work_next_retry ON ephemeral_work (next_retry_after)
    WHERE status = 'PENDING' AND next_retry_after IS NOT NULL;
CREATE INDEX idx_ephemeral_work_ttl ON ephemeral_work (completed_at, ttl_seconds)
    WHERE deleted_at IS NULL AND completed_at IS NOT NULL;

-- Ours: each maintenance query reads only the rows it may act on.
CREATE UNIQUE INDEX ephemeral_work_idempotency_key_live ON ephemeral_work (idempotency_key)
    WHERE deleted_at IS NULL AND idempotency_key IS NOT NULL;
CREATE INDEX ephemeral_work_claim_expiry ON ephemeral_work ((LEAST(lease_expires_at, claim_deadline)))
    WHERE status = 'CLAIMED';
CREATE INDEX ephemeral_work_retry_due ON ephemeral_work (next_retry_after)
    WHERE status = 'FAILED_RETRYABLE' AND deleted_at IS NULL;
CREATE INDEX ephemeral_work_soft_delete_due ON ephemeral_work (soft_delete_after)
    WHERE deleted_at IS NULL AND soft_delete_after IS NOT NULL;
CREATE INDEX ephemeral_work_purge_due ON ephemeral_work (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX ephemeral_work_live_order ON ephemeral_work (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX ephemeral_work_non_terminal ON ephemeral_work (id)
    WHERE status IN ('PENDING', 'CLAIMED', 'FAILED_RETRYABLE') AND deleted_at IS NULL;

-- updated_at, and soft_delete_after whenever completed_at or ttl_seconds changes, so that every
-- statement that ends an item gets its TTL deadline without repeating the arithmetic.
CREATE FUNCTION ephemeral_work_before_update() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  IF NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.ttl_seconds <> OLD.ttl_seconds THEN
    NEW.soft_delete_after := NEW.completed_at + make_interval(secs => NEW.ttl_seconds);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ephemeral_work_before_update BEFORE UPDATE ON ephemeral_work
    FOR EACH ROW EXECUTE FUNCTION ephemeral_work_before_update();

-- The agents allowed to claim an item (the seed's table). Rows exist only while the item is not
-- terminal: the terminal transition removes them, so claim and pending queries never scan history.
CREATE TABLE ephemeral_work_targets (
    id       UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_id  UUID NOT NULL REFERENCES ephemeral_work (id) ON DELETE CASCADE,
    agent_id UUID NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    UNIQUE (work_id, agent_id)
);
CREATE INDEX idx_ephemeral_work_targets_work ON ephemeral_work_targets (work_id);
CREATE INDEX idx_ephemeral_work_targets_agent ON ephemeral_work_targets (agent_id);

-- The selector as submitted, kept for the item's lifetime so targets can be re-resolved when agents
-- appear or change, and shown back by GET.
CREATE TABLE ephemeral_work_target_agents (
    work_id  UUID NOT NULL REFERENCES ephemeral_work (id) ON DELETE CASCADE,
    agent_id UUID NOT NULL,
    PRIMARY KEY (work_id, agent_id)
);
CREATE INDEX ephemeral_work_target_agents_agent ON ephemeral_work_target_agents (agent_id);
CREATE TABLE ephemeral_work_target_labels (
    work_id UUID        NOT NULL REFERENCES ephemeral_work (id) ON DELETE CASCADE,
    label   VARCHAR(64) NOT NULL,
    PRIMARY KEY (work_id, label)
);
CREATE TABLE ephemeral_work_target_annotations (
    work_id UUID          NOT NULL REFERENCES ephemeral_work (id) ON DELETE CASCADE,
    key     VARCHAR(253)  NOT NULL,
    value   VARCHAR(1024) NOT NULL,
    PRIMARY KEY (work_id, key)
);
