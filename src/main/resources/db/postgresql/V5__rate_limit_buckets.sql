-- Windows longer than a second (N/m, N/h, N/d) are counted, not paced: at most N recipients in
-- every sliding window, in 60 buckets per window (SlidingCount.BUCKETS). A bucket is a fixed slice
-- of time, numbered from the epoch in units of the window's 60th (microseconds, rounded up), with
-- how many recipients were admitted in it. The limiter's rate_limit row stays its lock, and its
-- tat becomes when its newest bucket leaves the window, so the purge of idle rows takes its
-- buckets with it.
CREATE TABLE rate_limit_bucket (
    key    text   NOT NULL REFERENCES rate_limit (key) ON DELETE CASCADE,
    bucket bigint NOT NULL,
    count  bigint NOT NULL,
    PRIMARY KEY (key, bucket)
);

-- The previous release kept these windows as GCRA times. What one still had ahead of now becomes
-- that many recipients (at most N) in the current bucket, what that release would still have
-- refused now; MemoryLimitState carries over the file store's the same way.
CREATE TEMPORARY TABLE rate_limit_v4 ON COMMIT DROP AS
SELECT key, tat, now, n, len, (len + 59) / 60 AS width, (len + n - 1) / n AS step
FROM (SELECT key, tat, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now,
             m[1]::bigint AS n,
             CASE m[2] WHEN 'm' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END * 1000000::bigint AS len
      FROM (SELECT key, tat, regexp_match(key, '/(\d+)/([mhd])$') AS m FROM rate_limit) named
      WHERE m IS NOT NULL) longer;

INSERT INTO rate_limit_bucket (key, bucket, count)
SELECT key, now / width, least(n, (tat - now + step - 1) / step) FROM rate_limit_v4 WHERE tat > now;

UPDATE rate_limit l SET tat = CASE WHEN v.tat > v.now THEN (v.now / v.width + 1) * v.width + v.len ELSE 0 END
FROM rate_limit_v4 v WHERE l.key = v.key;
