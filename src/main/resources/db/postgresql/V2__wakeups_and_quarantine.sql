-- Wake-ups across instances: every statement that puts emails into the queue (a new email, a bulk,
-- a requeued dead letter) notifies the channel idle instances listen on. PostgreSQL delivers a
-- notification only once its transaction commits, and one per channel and transaction, so a bulk
-- of 500 wakes the cluster once.
CREATE FUNCTION email_engine_notify_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('emailengine_queue', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER queued_email_notify AFTER INSERT ON queued_email
    FOR EACH STATEMENT EXECUTE FUNCTION email_engine_notify_queued();

-- Rows this release cannot read leave the queue for here (like the file store's corrupt/), with
-- the reason, so one bad row never blocks the emails behind it and nothing is silently dropped.
CREATE TABLE corrupt_email (
    id       text        PRIMARY KEY,
    found_at timestamptz NOT NULL,
    reason   text        NOT NULL,
    record   bytea       NOT NULL
);
