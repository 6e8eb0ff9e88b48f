-- Who holds a delivery's lease: the worker renews it while it works (and only while it is still
-- the holder), so a slow delivery is never taken by a second worker while the first still works.
ALTER TABLE webhook_work ADD COLUMN leased_by text;
