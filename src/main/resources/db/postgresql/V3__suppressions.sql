-- The suppression list: addresses never mailed again (hard bounces, operators' entries). The
-- application normalises each address (domain in lower-case ASCII, local part as given); the key
-- compares bytes (COLLATE "C"), whatever the database's locale, so equality is exact and the
-- primary key's order is the order pages are listed in.
CREATE TABLE suppression (
    address    text COLLATE "C" PRIMARY KEY,
    reason     text,
    source     text        NOT NULL,
    email_id   text,
    created_at timestamptz NOT NULL
);
