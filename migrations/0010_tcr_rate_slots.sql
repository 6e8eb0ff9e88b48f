-- TCR's rate limits are per account, not per process: every replica takes a slot here before it
-- calls TCR, so together they stay within TCR_READ_RATE_PER_SEC / TCR_WRITE_RATE_PER_10S.
-- A sliding window that counts a call from its start until `period` after its end (TCR counts
-- it when it arrives, some time before its answer): a call may start while fewer than `limit`
-- calls of its kind are in flight or ended within the last `period`.
CREATE TABLE tcr_rate_budgets
(
    account text NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('read', 'write')),
    PRIMARY KEY (account, kind)
);

CREATE TABLE tcr_rate_slots
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account     text        NOT NULL,
    kind        text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    FOREIGN KEY (account, kind) REFERENCES tcr_rate_budgets (account, kind)
);

CREATE INDEX tcr_rate_slots_window ON tcr_rate_slots (account, kind);

-- Takes a slot when the window has room (`slot` set, `wait_seconds` 0), else says how long at
-- least until it may have room (`slot` NULL). Admissions of one account and kind take turns on
-- the budget row's lock, held for this statement only. A slot still open after 5 minutes was
-- left by a process that died during its call, and no longer counts.
CREATE FUNCTION tendlc_take_tcr_slot(p_account text, p_kind text, p_limit integer, p_period interval,
                                     OUT slot bigint, OUT wait_seconds double precision)
    LANGUAGE plpgsql AS
$$
DECLARE
    now_ts    timestamptz;
    in_window bigint;
    frees_at  timestamptz;
BEGIN
    INSERT INTO tcr_rate_budgets (account, kind) VALUES (p_account, p_kind) ON CONFLICT DO NOTHING;
    PERFORM 1 FROM tcr_rate_budgets WHERE account = p_account AND kind = p_kind FOR UPDATE;
    now_ts := clock_timestamp();
    DELETE FROM tcr_rate_slots
     WHERE account = p_account AND kind = p_kind
       AND (finished_at <= now_ts - p_period OR started_at <= now_ts - interval '5 minutes');
    SELECT count(*) INTO in_window FROM tcr_rate_slots WHERE account = p_account AND kind = p_kind;
    IF in_window < p_limit THEN
        INSERT INTO tcr_rate_slots (account, kind, started_at)
        VALUES (p_account, p_kind, now_ts)
        RETURNING id INTO slot;
        wait_seconds := 0;
        RETURN;
    END IF;
    -- A call in flight may end now; it counts for `period` after that.
    SELECT COALESCE(finished_at, now_ts) INTO frees_at
      FROM tcr_rate_slots
     WHERE account = p_account AND kind = p_kind
     ORDER BY COALESCE(finished_at, now_ts)
    OFFSET in_window - p_limit LIMIT 1;
    wait_seconds := greatest(extract(epoch FROM frees_at + p_period - now_ts)::double precision, 0.001);
END
$$;

-- Ends a slot's call: from now it counts for `period` more.
CREATE FUNCTION tendlc_end_tcr_slot(p_slot bigint) RETURNS void
    LANGUAGE sql AS
$$
UPDATE tcr_rate_slots SET finished_at = clock_timestamp() WHERE id = p_slot;
$$;
