-- Campaigns other CSPs shared with the operator's TCR account, the operator being their upstream
-- connectivity partner (issue 16): one row per TCR campaign id, kept by the `partner_campaigns`
-- projection. They belong to the operator, not to one customer.
CREATE TABLE partner_campaigns
(
    tcr_campaign_id          text PRIMARY KEY,
    downstream_cnp_id        text,
    brand_id                 text,
    usecase                  text,
    description              text,
    tcr_status               text,
    sharing_status           text,
    upstream_cnp_id          text,
    upstream_sharing_status  text,
    carriers                 jsonb       NOT NULL DEFAULT '{}',
    decline                  jsonb,
    pending_action           jsonb,
    last_error               jsonb,
    last_synced_at           timestamptz,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    last_sequence            bigint      NOT NULL
);

CREATE INDEX partner_campaigns_by_sharing ON partner_campaigns (sharing_status, created_at);
