-- The new-events notification names the aggregate types appended ("Brand", or
-- "WebhookDelivery,Brand"), so each replica wakes only the readers of those types.
CREATE OR REPLACE FUNCTION tendlc_notify_events() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    types text := (SELECT string_agg(DISTINCT aggregate_type, ',') FROM appended);
BEGIN
    -- An insert that appended nothing (a duplicate delivery) wakes no one.
    IF types IS NOT NULL THEN
        PERFORM pg_notify('tendlc_events', types);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER events_notify ON events;
CREATE TRIGGER events_notify
    AFTER INSERT ON events
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION tendlc_notify_events();
