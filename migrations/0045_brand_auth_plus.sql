-- A brand's latest Authentication+ vet as the read side shows it (`AuthPlus`, see
-- domain/src/brand/auth_plus.rs): `{vettingId, vettingStatus, emailSentAt, resends, revoked}`.
-- Null for brands without one. Brands recorded before this column are filled by a rebuild of
-- `brands_10dlc` (`tendlc rebuild`).
ALTER TABLE brands_10dlc ADD COLUMN auth_plus jsonb;
