-- Notification state: one row per (status change, recipient), decided from the event stream by
-- the 'notifications' consumer and worked off by the notifier (under a lease per row). A row is
-- created once per dedupe key and recipient, so replaying events never creates a second one.

-- What a customer set: {optOuts: [kind], brandContacts: {brandId: [email]}}.
ALTER TABLE customers
    ADD COLUMN notification_preferences jsonb NOT NULL DEFAULT '{}';

-- The brands and campaigns the consumer has seen: whose they are, their brand, their name
-- (for the mail), kept by the consumer itself so it never waits on another read model.
CREATE TABLE notification_subjects
(
    subject_id   uuid PRIMARY KEY,
    subject_type text NOT NULL,
    customer_id  uuid NOT NULL,
    brand_id     uuid NOT NULL,
    name         text NOT NULL
);

CREATE TABLE notifications
(
    notification_id     uuid PRIMARY KEY,
    customer_id         uuid        NOT NULL,
    -- BRAND_VERIFIED, CAMPAIGN_REJECTED, ...
    kind                text        NOT NULL,
    subject_type        text        NOT NULL,
    subject_id          uuid        NOT NULL,
    brand_id            uuid        NOT NULL,
    -- '<aggregate type>/<id>#<sequence>/<kind>': the change that was decided.
    dedupe_key          text        NOT NULL,
    recipient           text        NOT NULL,
    track               text        NOT NULL,
    state               text        NOT NULL,
    facts               jsonb       NOT NULL,
    -- The event: its place, type and the door its command came through.
    event_position      bigint      NOT NULL,
    event_type          text        NOT NULL,
    source              text        NOT NULL,
    changed_at          timestamptz NOT NULL,
    decided_at          timestamptz NOT NULL DEFAULT now(),
    -- PENDING | SENT | FAILED (the provider refused it) | DEAD (retries gave up) | SUPPRESSED
    status              text        NOT NULL,
    -- Why it was suppressed: opted_out | duplicate | stale.
    suppressed_reason   text,
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    leased_by           text,
    leased_until        timestamptz,
    subject_line        text,
    provider            text,
    provider_message_id text,
    -- The provider's last answer (status and body, cut short), never a credential.
    provider_answer     text,
    sent_at             timestamptz,
    resends             integer     NOT NULL DEFAULT 0,
    UNIQUE (dedupe_key, recipient)
);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notifications_by_customer ON notifications (customer_id, decided_at DESC);
CREATE INDEX notifications_by_subject ON notifications (subject_id, track, recipient, event_position DESC);

-- A super admin's re-send of a failed notification, as it was asked.
CREATE TABLE notification_resends
(
    notification_id  uuid        NOT NULL REFERENCES notifications (notification_id),
    resent_at        timestamptz NOT NULL DEFAULT now(),
    resent_by        text        NOT NULL,
    request_id       text,
    previous_status  text        NOT NULL,
    previous_answer  text
);

CREATE INDEX notification_resends_by_notification ON notification_resends (notification_id, resent_at);

-- Start deciding at the end of the stream as it stands: changes recorded before notifications
-- existed were never promised a mail, and must not all be mailed now.
INSERT INTO projection_checkpoints (name, last_transaction_id, last_global_position)
SELECT 'notifications', transaction_id, global_position
  FROM events
 ORDER BY transaction_id DESC, global_position DESC
 LIMIT 1
ON CONFLICT (name) DO NOTHING;
