-- The rate limits every instance shares: per limiter window ("server/14/s",
-- "domain:gmail.com/20/s"), the GCRA theoretical arrival time, in microseconds since the epoch
-- on the database's clock (one clock for every instance, whatever theirs say).
CREATE TABLE rate_limit (
    key text   PRIMARY KEY,
    tat bigint NOT NULL
);
