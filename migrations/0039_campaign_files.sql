-- A campaign's MMS sample media and supporting documents at TCR, as the read side shows them:
-- `[{sha256, sizeBytes, contentType, attachmentId, attachedAt}]` each.
ALTER TABLE campaigns_10dlc
    ADD COLUMN mms_media            jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN supporting_documents jsonb NOT NULL DEFAULT '[]';
