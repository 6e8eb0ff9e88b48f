-- Every read model is now a fold of its aggregate's events over columns its projection owns:
-- campaigns_10dlc no longer keeps the serialized Campaign aggregate its columns were derived
-- from (which made that struct's serde shape a stored schema). The columns stay as they are.
ALTER TABLE campaigns_10dlc DROP COLUMN state;
