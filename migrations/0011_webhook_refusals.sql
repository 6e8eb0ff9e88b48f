-- Refused webhook deliveries are no longer events (an unauthenticated sender must not be able
-- to grow permanent storage). They are kept here, bounded: a ring of at most
-- TENDLC_WEBHOOK_REFUSALS_KEPT rows (slot = sequence mod the cap, so a new refusal overwrites
-- the oldest), an allowance per source and minute, pruning by age, and only a digest of the
-- body. Counters per category and reason always count.
CREATE TABLE webhook_refusals (
    slot bigint PRIMARY KEY,
    id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    category text NOT NULL,
    reason_code text NOT NULL,
    reason text NOT NULL,
    http_status smallint NOT NULL,
    signature text NOT NULL,
    remote_addr text,
    source text NOT NULL,
    body_sha256 text NOT NULL,
    body_bytes integer,
    claimed_event_type text,
    claimed_tcr_brand_id text,
    claimed_tcr_campaign_id text,
    user_agent text,
    received_at timestamptz NOT NULL
);
CREATE INDEX webhook_refusals_received ON webhook_refusals (received_at DESC, id);
CREATE SEQUENCE webhook_refusal_slots;

-- Refusals seen per source and minute (IPv6 by /64); windows that have passed are pruned.
CREATE TABLE webhook_refusal_sources (
    source text NOT NULL,
    window_start timestamptz NOT NULL,
    seen integer NOT NULL,
    PRIMARY KEY (source, window_start)
);

CREATE TABLE webhook_refusal_counts (
    category text NOT NULL,
    reason_code text NOT NULL,
    refused bigint NOT NULL,
    kept bigint NOT NULL,
    first_at timestamptz NOT NULL,
    last_at timestamptz NOT NULL,
    PRIMARY KEY (category, reason_code)
);
