-- The queue on PostgreSQL. The hot table holds only emails still to send (queued or being sent);
-- finished ones (sent, dead, cancelled) live in their own table, which retention empties, so the
-- claim's index stays small however long the service runs.
CREATE TABLE queued_email (
    id          text        PRIMARY KEY,
    priority    smallint    NOT NULL,
    due_at      timestamptz NOT NULL,
    seq         bigserial   NOT NULL,
    retry_count integer     NOT NULL,
    claimed     boolean     NOT NULL DEFAULT false,
    lease_owner text,
    lease_until timestamptz,
    record      bytea       NOT NULL
)
-- Rows are claimed and updated all the time: room for updates in place, and vacuum that keeps up.
WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);
-- What a claim reads, per priority: the earliest due among the unclaimed (then arrival).
CREATE INDEX queued_email_claim ON queued_email (priority, due_at, seq) WHERE NOT claimed;
-- Claims of a dead instance, by when their lease ran out.
CREATE INDEX queued_email_lease ON queued_email (lease_until) WHERE claimed;

CREATE TABLE finished_email (
    id          text        PRIMARY KEY,
    state       text        NOT NULL CHECK (state IN ('sent', 'dead', 'cancelled')),
    finished_at timestamptz NOT NULL,
    record      bytea       NOT NULL
);
CREATE INDEX finished_email_dead ON finished_email (finished_at) WHERE state = 'dead';
CREATE INDEX finished_email_purge ON finished_email (finished_at) WHERE state <> 'dead';

CREATE TABLE idempotency_record (
    key_hash     text        PRIMARY KEY,
    request_hash text        NOT NULL,
    created_at   timestamptz NOT NULL,
    ids          text[]      NOT NULL
);
CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
