-- Where and when a broker last saw each agent (agents list READY / LAST SEEN). Apart from agents so
-- that a presence write every few seconds bumps neither agents.updated_at nor the agents indexes.
CREATE TABLE agent_presence (
    agent_id     UUID        PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    transport    VARCHAR(8)  NOT NULL CHECK (transport IN ('caf', 'http')),
    -- A CAF session was open at the last write (never true for 'http': polling has no connection).
    connected    BOOLEAN     NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
