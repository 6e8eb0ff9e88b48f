-- Aggregate states kept so a command on a long-lived aggregate replays only the events after
-- the last one, not its whole history. A cache, not a record: a row is read only when its
-- fingerprint is the running domain code's (any change to how states are folded makes old rows
-- unread), and any row may be deleted at any time.
CREATE TABLE aggregate_snapshots
(
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    fingerprint    text        NOT NULL,
    last_sequence  bigint      NOT NULL CHECK (last_sequence > 0),
    state          jsonb       NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id)
);

-- postgres-es's own snapshot table: tendlc never wrote to it (it has no fingerprint to tell a
-- state folded by older code).
DROP TABLE snapshots;
