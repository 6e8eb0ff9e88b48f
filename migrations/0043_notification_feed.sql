-- The live feed tells a customer's clients when one of its notifications changes status
-- (decided PENDING or SUPPRESSED, SENT, FAILED, DEAD, PENDING again on a re-send). Notification
-- state is not in the event stream, so every replica's feed LISTENs on `tendlc_notification`
-- and reads the row named in the payload.
--
-- A trigger rather than a pg_notify beside each UPDATE: it covers every writer (the deciding
-- consumer, the notifier, a re-send) in the writer's own transaction, so the NOTIFY is delivered
-- only if the change commits. It is safe on this table because a rebuild never swaps it:
-- `notifications` is decided once per change and has no rebuildable tables() (see
-- projections/src/rebuild.rs), so the trigger is never left behind on a retired copy.
CREATE OR REPLACE FUNCTION notify_notification_change() RETURNS trigger AS
$$
DECLARE
    previous text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        previous := OLD.status;
    END IF;
    PERFORM pg_notify('tendlc_notification',
                      json_build_object('id', NEW.notification_id,
                                        'from', previous,
                                        'to', NEW.status,
                                        'at', clock_timestamp())::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notifications_feed_insert
    AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notify_notification_change();

CREATE TRIGGER notifications_feed_update
    AFTER UPDATE OF status ON notifications
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION notify_notification_change();
