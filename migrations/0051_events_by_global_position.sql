-- no-transaction
-- Events found by their global position alone (the hash chain re-reading a batch, audit
-- proofs and `tendlc audit verify`, the live feed's resume point) were found by reading the
-- whole events table: the stream order's index leads with transaction_id. Built without
-- blocking writers, so an existing store keeps taking events meanwhile.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_global_position ON events (global_position);
