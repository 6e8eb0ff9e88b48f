-- Keeping in sync with TCR: when a submission was last tried, and the webhook audit log.
ALTER TABLE brands_10dlc ADD COLUMN last_attempt_at timestamptz;

CREATE INDEX brands_10dlc_tcr_brand ON brands_10dlc (tcr_brand_id);
CREATE INDEX brands_10dlc_sync_due ON brands_10dlc (status, last_synced_at);

-- Every webhook delivery, accepted, duplicate or rejected, as received.
CREATE TABLE tcr_webhook_events
(
    id               text PRIMARY KEY,
    delivery_id      text        NOT NULL,
    category         text        NOT NULL,
    event_type       text,
    tcr_brand_id     text,
    tcr_campaign_id  text,
    payload          jsonb,
    raw_body_base64  text        NOT NULL,
    body_sha256      text        NOT NULL,
    headers          jsonb       NOT NULL DEFAULT '{}',
    remote_addr      text,
    signature        text        NOT NULL,
    -- ACCEPTED | DUPLICATE | REJECTED
    disposition      text        NOT NULL,
    rejection_reason text,
    duplicate_of     text,
    processed        boolean     NOT NULL DEFAULT false,
    processed_at     timestamptz,
    processing_outcome text,
    processing_detail text,
    processing_error text,
    attempts         integer     NOT NULL DEFAULT 0,
    -- Operational, not from events: a worker holds the delivery until then.
    leased_until     timestamptz,
    next_attempt_at  timestamptz,
    received_at      timestamptz NOT NULL,
    last_sequence    bigint      NOT NULL
);

CREATE INDEX tcr_webhook_events_received ON tcr_webhook_events (received_at DESC);
CREATE INDEX tcr_webhook_events_brand ON tcr_webhook_events (tcr_brand_id);
CREATE INDEX tcr_webhook_events_todo ON tcr_webhook_events (next_attempt_at)
    WHERE disposition = 'ACCEPTED' AND NOT processed;
