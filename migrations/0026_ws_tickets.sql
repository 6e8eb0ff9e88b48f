-- Single-use tickets for opening the live feed from a browser (which cannot set headers on a
-- WebSocket): issued to an authenticated caller, kept only as a SHA-256 digest, valid for
-- seconds, deleted when used.
CREATE TABLE ws_tickets
(
    ticket_hash text PRIMARY KEY,
    subject     text        NOT NULL,
    role        text        NOT NULL,
    -- The customer the feed is for; NULL: a super admin watching every customer.
    customer_id uuid,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ws_tickets_expiry ON ws_tickets (expires_at);
