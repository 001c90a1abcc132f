-- Delivery event webhooks. Endpoints hold their signing secrets (the database is the service's
-- own; nothing here is shown by the API after creation). An event's payload is stored once, in
-- webhook_event; webhook_delivery holds what is owed to each endpoint. A delivery is claimed by
-- setting next_attempt_at to the end of a lease and lease_owner (FOR UPDATE SKIP LOCKED): an
-- instance that dies holding one leaves it due again when the lease ends.
CREATE TABLE webhook_endpoint (
    id                    text PRIMARY KEY,
    url                   text        NOT NULL,
    events                text[]      NOT NULL,
    secret                text        NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    disabled              boolean     NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL
);

CREATE TABLE webhook_event (
    id         text PRIMARY KEY,
    type       text        NOT NULL,
    created_at timestamptz NOT NULL,
    payload    bytea       NOT NULL
);

CREATE TABLE webhook_delivery (
    event_id        text        NOT NULL REFERENCES webhook_event (id) ON DELETE CASCADE,
    endpoint_id     text        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    finished_at     timestamptz,
    lease_owner     text,
    PRIMARY KEY (event_id, endpoint_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE finished_at IS NULL;

CREATE TABLE webhook_attempt (
    seq         bigserial PRIMARY KEY,
    endpoint_id text        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    event_id    text        NOT NULL,
    type        text        NOT NULL,
    attempt     integer     NOT NULL,
    status_code integer,
    error       text,
    outcome     text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX webhook_attempt_endpoint ON webhook_attempt (endpoint_id, at DESC);
