-- Tamper evidence: every event chained to the one before it, in commit order, by a hash over
-- its position, identity, recorded time, payload and metadata (`tendlc audit verify`). Kept by
-- an ordered consumer of the stream (checkpoint 'event_chain') that reads every aggregate type
-- and never passes an event by. Not a read model: it is never rebuilt, only appended to.
CREATE TABLE event_chain
(
    chain_index     bigint PRIMARY KEY CHECK (chain_index >= 1),
    global_position bigint      NOT NULL UNIQUE,
    transaction_id  xid8        NOT NULL,
    -- Which event it was, so one removed from `events` can still be named.
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    sequence        bigint      NOT NULL,
    event_type      text        NOT NULL,
    prev_hash       text        NOT NULL,
    hash            text        NOT NULL,
    chained_at      timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION tendlc_refuse_chain_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the event chain is append-only: % refused', TG_OP;
END
$$;

CREATE TRIGGER event_chain_append_only
    BEFORE UPDATE OR DELETE ON event_chain
    FOR EACH ROW EXECUTE FUNCTION tendlc_refuse_chain_change();

INSERT INTO projection_checkpoints (name) VALUES ('event_chain') ON CONFLICT DO NOTHING;
