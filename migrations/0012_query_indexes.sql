-- Every filter the API offers and every query the workers run on a tick has an index, so none
-- reads a whole table as it grows (`tendlc plans` shows the plans on live data).

-- The webhook log by event type and by campaign (by brand is 0003's).
CREATE INDEX tcr_webhook_events_event_type ON tcr_webhook_events (event_type, received_at DESC);
CREATE INDEX tcr_webhook_events_campaign ON tcr_webhook_events (tcr_campaign_id);

-- The campaign list by status and by TCR's status, newest first.
CREATE INDEX campaigns_10dlc_status_created ON campaigns_10dlc (status, created_at DESC, campaign_id);
CREATE INDEX campaigns_10dlc_tcr_status ON campaigns_10dlc (tcr_status);
-- The brand list by status, newest first (0002's index on status alone cannot order).
CREATE INDEX brands_10dlc_status_created ON brands_10dlc (status, created_at DESC, brand_id);

-- Actions sent to TCR with no answer recorded (the healer), oldest first.
CREATE INDEX brands_10dlc_pending_actions ON brands_10dlc (updated_at)
    WHERE pending_action IS NOT NULL OR pending_update IS NOT NULL;
CREATE INDEX campaigns_10dlc_pending_actions ON campaigns_10dlc (updated_at)
    WHERE pending_action IS NOT NULL;

-- Registrations waiting for a retry: only the pending ones, however many are registered.
CREATE INDEX brands_10dlc_retry ON brands_10dlc (created_at) WHERE status = 'PENDING';
CREATE INDEX campaigns_10dlc_retry ON campaigns_10dlc (created_at) WHERE status = 'PENDING';

-- Registered ones due for a re-read, least recently synced first.
CREATE INDEX brands_10dlc_poll ON brands_10dlc ((COALESCE(last_synced_at, created_at)))
    WHERE status = 'REGISTERED';
CREATE INDEX campaigns_10dlc_poll ON campaigns_10dlc ((COALESCE(last_synced_at, created_at)))
    WHERE status = 'REGISTERED';

-- Superseded by the ones above.
DROP INDEX brands_10dlc_status;
