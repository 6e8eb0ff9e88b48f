-- A projection reads only its aggregate type's events, in stream order: this index walks just
-- those (the brand and customer read models pass over the many webhook deliveries unread).
CREATE INDEX events_by_type_in_order ON events (aggregate_type, transaction_id, global_position);
