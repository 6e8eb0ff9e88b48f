-- A campaign's latest CNP migration to another connectivity partner, as the read side shows it:
-- `{upstreamCnpId, status, cancellationReason, changedAt, source}` (issue 16).
ALTER TABLE campaigns_10dlc
    ADD COLUMN cnp_migration jsonb;
