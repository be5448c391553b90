-- Agents: one per cluster. pak_* is the agent's API key: pak_short identifies the key (it is the
-- <short> of brokkr_BR<short>_<long>), pak_hash is the SHA-256 hex of <long>; the key itself is never stored.
CREATE TABLE agents (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name              VARCHAR(255) NOT NULL,
    cluster_name      VARCHAR(255) NOT NULL,
    status            VARCHAR(16)  NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    pak_short         VARCHAR(64),
    pak_hash          CHAR(64),
    last_heartbeat_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    deleted_at        TIMESTAMPTZ
);
CREATE UNIQUE INDEX agents_name_cluster_live ON agents (name, cluster_name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX agents_pak_short ON agents (pak_short) WHERE pak_short IS NOT NULL;
CREATE TRIGGER update_agents_timestamp BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION update_timestamp();

CREATE TABLE agent_labels (
    agent_id UUID        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    label    VARCHAR(64) NOT NULL,
    PRIMARY KEY (agent_id, label)
);
CREATE INDEX agent_labels_label ON agent_labels (label);

CREATE TABLE agent_annotations (
    agent_id UUID          NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    key      VARCHAR(253)  NOT NULL,
    value    VARCHAR(1024) NOT NULL,
    PRIMARY KEY (agent_id, key)
);
CREATE INDEX agent_annotations_key_value ON agent_annotations (key, value);
