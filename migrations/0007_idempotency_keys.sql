-- Idempotency-Key: the first answer to a write, kept per customer and key, so a retry gets the
-- same answer instead of doing the work (and billing) twice. Not events: answers are operational
-- and pruned after the retention (TENDLC_IDEMPOTENCY_RETENTION_HOURS, at least 24 h).
CREATE TABLE idempotency_keys
(
    -- 'customer:<id>' for the customer a request acts for, 'user:<subject>' otherwise.
    scope       text        NOT NULL,
    key         text        NOT NULL,
    -- SHA-256 (hex) of the method, path and body the key was first used with.
    fingerprint text        NOT NULL,
    -- The answer; NULL while the first request with this key is still being answered.
    status      smallint,
    headers     jsonb,
    body        bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
