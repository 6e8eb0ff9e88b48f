-- A brand's appeal evidence at TCR and its external-vetting appeals, as the read side shows them:
-- `[{sha256, sizeBytes, contentType, attachmentId, uploadedAt}]` and
-- `[{provider, vettingId, categories, evidence, explanation, filedAt}]`.
ALTER TABLE brands_10dlc
    ADD COLUMN evidence        jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN vetting_appeals jsonb NOT NULL DEFAULT '[]';
