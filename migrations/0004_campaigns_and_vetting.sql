-- Campaigns, per-carrier status, brand vetting and identity steps.

CREATE TABLE campaigns_10dlc
(
    campaign_id          uuid PRIMARY KEY,
    customer_id          uuid        NOT NULL,
    brand_id             uuid        NOT NULL,
    tcr_brand_id         text        NOT NULL,
    reference_id         text        NOT NULL UNIQUE,
    tcr_campaign_id      text UNIQUE,
    -- PENDING | REGISTERED | REJECTED | ABANDONED (ours); tcr_status ACTIVE | EXPIRED (TCR's)
    status               text        NOT NULL,
    tcr_status           text,
    usecase              text        NOT NULL,
    profile              jsonb       NOT NULL,
    qualification        jsonb       NOT NULL,
    mno_terms            jsonb       NOT NULL DEFAULT '{}',
    pending_action       jsonb,
    last_error           jsonb,
    monthly_fee          double precision,
    billed_date          date,
    next_renewal_date    date,
    sharing_status       text,
    upstream_cnp_id      text,
    sharing_explanation  text,
    submission_attempts  integer     NOT NULL DEFAULT 0,
    last_attempt_at      timestamptz,
    last_synced_at       timestamptz,
    sync_source          text,
    -- The aggregate state the row was derived from (the projection's own working copy).
    state                jsonb       NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    last_sequence        bigint      NOT NULL
);

CREATE INDEX campaigns_10dlc_customer ON campaigns_10dlc (customer_id, created_at DESC, campaign_id);
CREATE INDEX campaigns_10dlc_brand ON campaigns_10dlc (brand_id);
CREATE INDEX campaigns_10dlc_sync_due ON campaigns_10dlc (status, last_synced_at);

-- One row per campaign and carrier it was sent to.
CREATE TABLE campaign_mno_status
(
    campaign_id      uuid        NOT NULL REFERENCES campaigns_10dlc (campaign_id),
    mno_id           integer     NOT NULL,
    customer_id      uuid        NOT NULL,
    mno_name         text        NOT NULL,
    -- REVIEW | REGISTERED | REJECTED | SUSPENDED, NULL until the carrier reports
    status           text,
    reason_category  text,
    reason_text      text,
    changed_at       timestamptz,
    last_synced_at   timestamptz,
    sync_source      text,
    last_sequence    bigint      NOT NULL,
    PRIMARY KEY (campaign_id, mno_id)
);

CREATE INDEX campaign_mno_status_status ON campaign_mno_status (status);

-- Every external vetting of a brand, as TCR last reported it (never the token).
CREATE TABLE brand_vettings
(
    brand_id        uuid        NOT NULL,
    vetting_id      text        NOT NULL,
    customer_id     uuid        NOT NULL,
    provider        text        NOT NULL,
    vetting_class   text,
    status          text,
    score           integer,
    vetted_date     timestamptz,
    imported        boolean     NOT NULL DEFAULT false,
    last_synced_at  timestamptz,
    sync_source     text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_sequence   bigint      NOT NULL,
    PRIMARY KEY (brand_id, vetting_id)
);

ALTER TABLE brands_10dlc
    ADD COLUMN pending_action   jsonb,
    ADD COLUMN appeal_status    text,
    ADD COLUMN appeal           jsonb,
    ADD COLUMN otp_reference_id text,
    ADD COLUMN otp_verified_at  timestamptz;
