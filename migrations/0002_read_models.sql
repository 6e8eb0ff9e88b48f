-- Where each projection has got to in the global event order. A runner holds its row locked
-- while it applies a batch, so one runner per projection is active across all replicas.
CREATE TABLE projection_checkpoints
(
    name                 text PRIMARY KEY,
    last_transaction_id  xid8        NOT NULL DEFAULT '0',
    last_global_position bigint      NOT NULL DEFAULT 0,
    events_applied       bigint      NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers
(
    customer_id         uuid PRIMARY KEY,
    ban                 text        NOT NULL UNIQUE,
    name                text        NOT NULL,
    service_tier        text        NOT NULL,
    notification_emails jsonb       NOT NULL DEFAULT '[]',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    last_sequence       bigint      NOT NULL
);

CREATE TABLE brands_10dlc
(
    brand_id               uuid PRIMARY KEY,
    customer_id            uuid        NOT NULL,
    reference_id           text        NOT NULL UNIQUE,
    tcr_brand_id           text UNIQUE,
    status                 text        NOT NULL,
    tcr_status             text,
    identity_status        text,
    brand_relationship     text        NOT NULL,
    entity_type            text        NOT NULL,
    display_name           text        NOT NULL,
    company_name           text,
    ein                    text,
    country                text        NOT NULL,
    state                  text,
    email                  text        NOT NULL,
    website                text,
    vertical               text,
    profile                jsonb       NOT NULL,
    pending_update         jsonb,
    last_error             jsonb,
    submission_attempts    integer     NOT NULL DEFAULT 0,
    last_synced_at         timestamptz,
    sync_source            text,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    last_sequence          bigint      NOT NULL
);

CREATE INDEX brands_10dlc_customer ON brands_10dlc (customer_id, created_at DESC, brand_id);
CREATE INDEX brands_10dlc_status ON brands_10dlc (status);
