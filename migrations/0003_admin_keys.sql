-- Admin credentials, stored like agent keys: short id plus SHA-256 hex of the secret part.
CREATE TABLE admin_keys (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pak_short   VARCHAR(64) NOT NULL UNIQUE,
    pak_hash    CHAR(64)    NOT NULL,
    description VARCHAR(255) NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);
