-- A projection that cannot apply an event stops alone and says so: at which event, why, since
-- when, how many tries, and when it tries again (`tendlc projections retry` brings that forward).
-- A failure is open until the event applies after all, or an operator has it skipped
-- (`tendlc projections skip`: who, why); the rows stay, as the history of what stopped and how
-- it went on.
CREATE TABLE projection_failures
(
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection      text        NOT NULL REFERENCES projection_checkpoints (name),
    global_position bigint      NOT NULL,
    transaction_id  xid8        NOT NULL,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    sequence        bigint      NOT NULL,
    event_type      text        NOT NULL,
    error           text        NOT NULL,
    since           timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 1,
    next_attempt_at timestamptz NOT NULL,
    resolved_at     timestamptz,
    resolution      text CHECK (resolution IN ('applied', 'skipped')),
    skip_reason     text CHECK (length(btrim(skip_reason)) > 0),
    skipped_by      text,
    CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
    CHECK ((resolution = 'skipped') = (skip_reason IS NOT NULL AND skipped_by IS NOT NULL))
);

-- At most one open failure per projection: the event it is stuck at.
CREATE UNIQUE INDEX projection_failures_open ON projection_failures (projection) WHERE resolved_at IS NULL;
