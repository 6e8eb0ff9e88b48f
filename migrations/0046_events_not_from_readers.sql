-- Stream readers (projection runners, the work-queue consumer, the event chain) mark their
-- transactions `application_name = 'tendlc stream reader'`, and the readers' horizon does not
-- wait for those: it may pass them over only because they never write an event. Held here.
CREATE FUNCTION tendlc_refuse_events_from_readers() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF current_setting('application_name', true) = 'tendlc stream reader' THEN
        RAISE EXCEPTION 'a stream reader''s transaction may not write events';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_not_from_readers
    BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION tendlc_refuse_events_from_readers();
