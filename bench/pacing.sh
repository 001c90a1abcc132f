# BENCH_ONLY=pacing, sourced by bench/run.sh after the sink's ceiling: rate limits (issue 15).
#   1. end-to-end delivery of BENCH_E2E emails with no limit configured, against the sink: a
#      first batch on the freshly started JVM, then a second, warm (the figure compared)
#   2. RATE_LIMIT=BENCH_RATE/s with BENCH_PACING_SECONDS of mail queued at once: the rate the
#      sink saw (first to last delivery, by the service's sent counter) over the configured one
RATE=${BENCH_RATE:-100}
PACING_SECONDS=${BENCH_PACING_SECONDS:-30}
WHO=service

# One delivery of E2E queued emails; sets E2E_RATE.
deliver_batch() { # label
    api workers/pause -X POST >/dev/null
    enqueue_bulk "$E2E"
    local s0 t0
    s0=$(sent_total)
    t0=$(now)
    api workers/resume -X POST >/dev/null
    wait_until 600 "$E2E deliveries" sent_since "$s0" "$E2E"
    E2E_RATE=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
    say "$1: $E2E_RATE emails/s"
}

# The service in tree $2 (. for this one), freshly started: a first batch on the cold JVM, then a
# second once the first has warmed it (the figure the target is about: a service runs warm);
# sets COLD_RATE and WARM_RATE.
e2e_unlimited() { # name tree
    start_service "$1" "$2"
    deliver_batch "$1, cold"
    COLD_RATE=$E2E_RATE
    deliver_batch "$1, warm"
    WARM_RATE=$E2E_RATE
    stop_service
}

# Before (BASELINE, the release without issue 15) and after, twice each and interleaved so a
# machine that slows down or speeds up during the run weighs on both alike; the best of each.
say "end to end without rate limits: $E2E emails, $BASE_NAME (before) and this tree, twice each"
unset RATE_LIMIT DOMAIN_RATE_LIMITS
BEFORE=0 AFTER=0 BEFORE_COLD=0 AFTER_COLD=0
for round in 1 2; do
    e2e_unlimited "before-$round" "$BASE_TREE"
    ((WARM_RATE > BEFORE)) && BEFORE=$WARM_RATE
    ((COLD_RATE > BEFORE_COLD)) && BEFORE_COLD=$COLD_RATE
    e2e_unlimited "unlimited-$round" .
    ((WARM_RATE > AFTER)) && AFTER=$WARM_RATE
    ((COLD_RATE > AFTER_COLD)) && AFTER_COLD=$COLD_RATE
done
row "End-to-end delivery of $E2E, no rate limit ($NUM_WORKERS workers), warm (second batch), best of two" \
    "$AFTER emails/s" "before issue 15 ($BASE_NAME): $BEFORE emails/s" "$(ratio "$AFTER" "$BEFORE")×" "≥ 0.95×"
row "The same, first batch after the start (JVM cold), best of two" "$AFTER_COLD emails/s" \
    "before issue 15 ($BASE_NAME): $BEFORE_COLD emails/s" "$(ratio "$AFTER_COLD" "$BEFORE_COLD")×" ""

PACED_COUNT=$(((RATE * PACING_SECONDS + 499) / 500 * 500)) # enqueue_bulk sends 500 a request
say "RATE_LIMIT=$RATE/s: $PACED_COUNT emails (about $PACING_SECONDS s)"
export RATE_LIMIT="$RATE/s"
start_service paced
unset RATE_LIMIT
api workers/pause -X POST >/dev/null
enqueue_bulk "$PACED_COUNT"
s0=$(sent_total)
api workers/resume -X POST >/dev/null
wait_until 60 "the first paced delivery" sent_since "$s0" 1
t0=$(now)
s1=$(sent_total)
FULL=$(api workers/status | grep -o '"fullness":[0-9.]*' | head -n 1 | cut -d: -f2)
wait_until $((PACING_SECONDS * 3 + 60)) "$PACED_COUNT paced deliveries" sent_since "$s0" "$PACED_COUNT"
ACHIEVED=$(awk -v n="$((PACED_COUNT - s1 + s0))" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.2f", n / s }')
row "Rate limit accuracy, RATE_LIMIT=$RATE/s, $PACED_COUNT emails queued at once" \
    "$ACHIEVED emails/s (status showed fullness ${FULL:-n/a} while sending)" "configured $RATE/s" \
    "$(ratio "$ACHIEVED" "$RATE")×" "0.95–1.00×"
stop_service
stop_sink
report
