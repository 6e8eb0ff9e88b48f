-- Resellers a customer registers with TCR (issue 16): one row per reseller, kept by the
-- `resellers` projection. TCR's company names are unique per CSP account, so across customers.
CREATE TABLE resellers
(
    reseller_id     uuid PRIMARY KEY,
    customer_id     uuid        NOT NULL,
    tcr_reseller_id text,
    company_name    text        NOT NULL,
    phone           text        NOT NULL,
    email           text        NOT NULL,
    status          text        NOT NULL,
    pending_action  text,
    last_error      jsonb,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_sequence   bigint      NOT NULL
);

CREATE INDEX resellers_by_customer ON resellers (customer_id, company_name);
CREATE INDEX resellers_by_tcr_id ON resellers (tcr_reseller_id);
