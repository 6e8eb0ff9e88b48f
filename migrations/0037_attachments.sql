-- Files customers upload for TCR (appeal evidence, MMS sample media, supporting documents).
-- Content is stored once per SHA-256 digest; each customer that uploaded it has its own row, so
-- a customer sees only its own files. Events name a file only by digest, size and type.
CREATE TABLE attachment_contents
(
    sha256     text PRIMARY KEY,
    content    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachments
(
    customer_id  uuid        NOT NULL,
    sha256       text        NOT NULL REFERENCES attachment_contents (sha256),
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    file_name    text        NOT NULL,
    uploaded_by  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, sha256)
);
