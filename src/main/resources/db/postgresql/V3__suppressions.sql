-- The suppression list: addresses never mailed again (hard bounces, operators' entries), and
-- addresses that unsubscribed from one mailing list. The application normalises each address
-- (domain in lower-case ASCII, local part as given); the key compares bytes (COLLATE "C"),
-- whatever the database's locale, so equality is exact and the primary key's order is the order
-- pages are listed in. list_id '' is an entry for all mail (NULL cannot be part of a primary
-- key); any other value stops only mail naming that list.
CREATE TABLE suppression (
    address    text COLLATE "C" NOT NULL,
    list_id    text COLLATE "C" NOT NULL DEFAULT '',
    reason     text,
    source     text        NOT NULL,
    email_id   text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (address, list_id)
);
