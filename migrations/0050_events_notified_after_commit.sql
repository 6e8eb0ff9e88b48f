-- A process that announces its own appends after it commits (`tendlc serve`: one NOTIFY for
-- many appends, sent apart from the writers) sets tendlc.events_notified_after_commit = on, and
-- the trigger stays silent for it: a NOTIFY inside each writer's transaction holds a
-- database-wide lock from its commit until its WAL is flushed, so concurrent writers could not
-- share a flush. Every other session (psql, tools) is still announced by the trigger.
CREATE OR REPLACE FUNCTION tendlc_notify_events() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    types text;
BEGIN
    IF current_setting('tendlc.events_notified_after_commit', true) = 'on' THEN
        RETURN NULL;
    END IF;
    types := (SELECT string_agg(DISTINCT aggregate_type, ',') FROM appended);
    -- An insert that appended nothing (a duplicate delivery) wakes no one.
    IF types IS NOT NULL THEN
        PERFORM pg_notify('tendlc_events', types);
    END IF;
    RETURN NULL;
END
$$;
