-- Rows this release cannot read leave the queue for here (like the file store's corrupt/), with
-- the reason, so one bad row never blocks the emails behind it and nothing is silently dropped.
CREATE TABLE corrupt_email (
    id       text        PRIMARY KEY,
    found_at timestamptz NOT NULL,
    reason   text        NOT NULL,
    record   bytea       NOT NULL
);
