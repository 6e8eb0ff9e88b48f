-- The webhook work queue belongs to the workers, not to the audit log: the audit-log projection
-- (tcr_webhook_events) can then be rebuilt without touching work in progress. Filled from the
-- event stream by its own checkpointed consumer ('webhook_work'); leases are the workers' own.
CREATE TABLE webhook_work
(
    delivery_id     text PRIMARY KEY,
    category        text        NOT NULL,
    event_type      text,
    tcr_brand_id    text,
    tcr_campaign_id text,
    payload         jsonb,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    -- A worker holds the delivery until then.
    leased_until    timestamptz,
    received_at     timestamptz NOT NULL,
    done_at         timestamptz,
    last_sequence   bigint      NOT NULL
);

CREATE INDEX webhook_work_due ON webhook_work (next_attempt_at) WHERE done_at IS NULL;

-- Carry over what the audit log held, and start the queue's consumer where the audit log's
-- projection stands, so nothing is queued twice or missed.
INSERT INTO webhook_work (delivery_id, category, event_type, tcr_brand_id, tcr_campaign_id, payload,
                          attempts, last_error, next_attempt_at, leased_until, received_at, done_at,
                          last_sequence)
SELECT id, category, event_type, tcr_brand_id, tcr_campaign_id, payload, attempts, processing_error,
       COALESCE(next_attempt_at, received_at), leased_until, received_at,
       CASE WHEN processed THEN COALESCE(processed_at, received_at) END, last_sequence
  FROM tcr_webhook_events
 WHERE disposition = 'ACCEPTED';

INSERT INTO projection_checkpoints (name, last_transaction_id, last_global_position, events_applied)
SELECT 'webhook_work', last_transaction_id, last_global_position, events_applied
  FROM projection_checkpoints
 WHERE name = 'tcr_webhook_events';

-- The audit log no longer holds leases or schedules.
DROP INDEX tcr_webhook_events_todo;
