# BENCH_ONLY=postgresql bench/run.sh: the PostgreSQL queue store, each figure against a limit
# measured in the same run (see the top of run.sh). Sourced by run.sh once its tools, build,
# functions and the sink (with its ceiling in SINK_CEILING) are ready; uses its start_service,
# warm_up, measure_enqueue, run_wrk, enqueue_bulk, row and report.
#
# Warm-ups: every instance measured here gets BENCH_WARMUP seconds (120 by default) of the same
# load, the file store's included, so "PostgreSQL / file store" compares two equally warmed JVMs.
# A shorter BENCH_WARMUP is fine for a smoke run but not for recorded figures: Payara's C2
# compiler keeps a core busy for about two minutes of load. The warm-up's backlog is delivered on
# the file store (it cannot be emptied otherwise) and emptied on PostgreSQL (clear_queue): either
# way the figures after it start from an empty queue, and the delivery path was warmed during the
# warm-up itself.

PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_USER=${BENCH_PG_USER:-postgres}
RECORD_BYTES=${BENCH_PG_RECORD:-1200}
# Our own database, whatever else the server holds: created here, dropped by pg_cleanup (run.sh's
# cleanup, also on Ctrl+C). The pid keeps two runs on one server apart.
PG_DB=emailengine_bench_$$
DB_URL_BENCH="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB"
TREE_B=$ABS_WORK/instance-b
pg_created=no
svc_a_pid=""
svc_b_pid=""

pg() { PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" "$@"; }

stop_pid() {
    if [[ -n $1 ]]; then
        kill -TERM "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}
pg_cleanup() {
    stop_pid "$svc_b_pid"
    stop_pid "$svc_a_pid"
    svc_a_pid="" svc_b_pid=""
    if [[ $pg_created == yes ]]; then
        # --force ends any session still on it (a JVM killed mid-way leaves none for long, but its
        # pool's connections can outlive it by a moment).
        dropdb --force --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" \
            || say "WARNING: could not drop the database $PG_DB; drop it by hand"
        pg_created=no
    fi
    if [[ -d $TREE_B/logs ]]; then rm -rf "$WORK/logs-b" && mv "$TREE_B/logs" "$WORK/logs-b"; fi
    rm -rf "$TREE_B"
}

PROFILES="$WORK/profile-file.txt, $WORK/profile-pg.txt, $WORK/profile-pg-e2e.txt"

# The store's own settings, for start_service (run.sh turns DB_* into the server's pool).
start_pg_service() { # name instance-name [tree]
    QUEUE_STORE=postgresql DB_URL=$DB_URL_BENCH DB_USER=$PG_USER DB_PASSWORD=${PGPASSWORD:-} \
        INSTANCE_NAME=$2 start_service "$1" "${3:-.}"
}

# Polling cheaply: GET /status and the queue-depth gauges in /metrics count rows on every call, and
# wait_until asks 20 times a second, so in this mode the waits ask the database and the counter.
queue_empty_pg() { [[ $(pg -c "SELECT NOT EXISTS (SELECT 1 FROM queued_email)") == t ]]; }
none_claimed() { [[ $(pg -c "SELECT NOT EXISTS (SELECT 1 FROM queued_email WHERE claimed)") == t ]]; }
sent_of() { # port: emails_sent_total of that instance
    curl -fsS "http://127.0.0.1:$1/metrics?scope=application&name=emails.sent" \
        | awk '/^emails_sent_total/ { printf "%d", $2 }'
}
sent_sum() { local n=0 p; for p in "$@"; do n=$((n + $(sent_of "$p"))); done; echo "$n"; }
sent_sum_since() { # base count ports...: true once the ports' sent counters add up to base + count
    local base=$1 count=$2
    shift 2
    (($(sent_sum "$@") - base >= count))
}
# Empties the queue without sending it: with the workers paused and nothing claimed the store holds
# no state of its own about these rows. Saves delivering what the paused runs queued (10^5 emails
# from one bulk run), which measures nothing.
clear_queue() { # ports of the running instances
    local p
    for p in "$@"; do HTTP=$p api workers/pause -X POST >/dev/null; done
    sleep 0.5 # a worker past its pause check when the pause came may still claim one
    wait_until 60 "the claimed emails to finish" none_claimed
    pg -c "TRUNCATE queued_email"
}
# Per-email costs of a run, to read a throughput figure on a busy machine: the JVM's CPU time and
# the database's transactions (committed or not; a pooled backend reports within a second of idling).
db_xacts() { pg -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
cost_start() { read -r cu0 cs0 < <(cpu_ticks "$1"); x0=$(db_xacts); }
cost_end() { # pid count: sets COST (text)
    local cu1 cs1 x1
    read -r cu1 cs1 < <(cpu_ticks "$1")
    sleep 1.2
    x1=$(db_xacts)
    COST=$(awk -v c=$((cu1 + cs1 - cu0 - cs0)) -v t="$TICK" -v n="$2" -v x=$((x1 - x0)) \
        'BEGIN { printf "JVM CPU %.0f µs and %.1f database transactions per email", c / t / n * 1e6, x / n }')
}
full_gc_rss() { # pid: RSS in MB after a full GC, and the heap it left used
    jcmd "$1" GC.run >/dev/null
    sleep 1
    RSS_MB=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status")
    HEAP_MB=$(jcmd "$1" GC.heap_info | awk '/garbage-first heap|total .* used/ {
        for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.0f", v / 1024; exit } }')
}
# The claim as PgQueueStore.claim issues it (keep the two in step), on the queue as it is now.
explain_claim() { # title
    {
        echo "== $1"
        pg -c "BEGIN" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT q.id FROM unnest('{1,2,3}'::smallint[]) AS p(priority)
            CROSS JOIN LATERAL (SELECT id FROM queued_email WHERE priority = p.priority AND NOT claimed
            AND due_at <= now() ORDER BY due_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED) AS q LIMIT 1" -c "ROLLBACK"
        echo
    } >>"$WORK/pg-explain.txt"
}

# --- the database, and its limit ------------------------------------------------------------------
WHO=limits
createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" || fail "could not create the database $PG_DB"
pg_created=yes
PG_VERSION=$(pg -c "SHOW server_version")
say "PostgreSQL $PG_VERSION: database $PG_DB created for this run"

# pgbench inserts into a queued_email built by the store's own migrations (same columns, indexes
# and storage settings), in a schema of its own dropped before the service creates the real one.
pg -c "CREATE SCHEMA pgbench_limit"
for sql in $(find src/main/resources/db/postgresql -name 'V*__*.sql' | sort -V); do
    PGOPTIONS='-c search_path=pgbench_limit' pg -1 -f "$sql" # one transaction each, as PgSchema applies them
done
# Random bytes (nothing for compression to shrink); under 2 KB a row is stored inline anyway.
record_hex=$(head -c "$RECORD_BYTES" /dev/urandom | od -An -v -tx1 | tr -d ' \n')
cat >"$WORK/pgbench-insert.sql" <<EOF
INSERT INTO pgbench_limit.queued_email (id, priority, due_at, retry_count, record)
    VALUES (gen_random_uuid()::text, 2, now(), 0, '\\x$record_hex'::bytea);
EOF
# One statement per transaction (autocommit), prepared like the driver's, at C=32 on 2 threads.
pgbench_out=$(pgbench -n -M prepared -c 32 -j 2 -T "$DURATION" -f "$WORK/pgbench-insert.sql" \
    -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>&1) || fail "pgbench failed: $pgbench_out"
printf '== pgbench C=32\n%s\n' "$pgbench_out" >>"$WORK/wrk.log"
PGB_TPS=$(awk -F'[ =]+' '/^tps/ { printf "%.0f", $2 }' <<<"$pgbench_out")
PGB_LAT=$(awk -F'[ =]+' '/latency average/ { print $3 }' <<<"$pgbench_out")
say "pgbench: one-row INSERT ($RECORD_BYTES-byte record) per transaction, C=32: $PGB_TPS tx/s, latency avg $PGB_LAT ms"
pg -c "DROP SCHEMA pgbench_limit CASCADE" -c "CHECKPOINT"

# --- the file store at C=32, for "PostgreSQL / file store" -------------------------------------------
WHO=file
say "starting the service on the file store and warming it up for ${WARMUP} s"
sync
QUEUE_STORE=file start_service file
warm_up "$HTTP" yes
wait_until 900 "the file store's warm-up backlog to drain" queue_empty
api workers/pause -X POST >/dev/null
run_wrk 32 post-email.lua email
FILE_RPS=$RPS FILE_P50=$P50 FILE_P99=$P99 FILE_CPU=$CPU_US
row "File store: durable enqueue, workers off, C=32" "$FILE_RPS req/s, p50 $FILE_P50 ms, p99 $FILE_P99 ms; JVM CPU $FILE_CPU µs per request" \
    "—" "—" "(the limit of 'PostgreSQL / file store')"
if [[ $PROFILE == 1 ]]; then
    profile_c32 "$JAVA_PID" "$WORK/profile-file.txt" "$HTTP"
fi
stop_service

# --- PostgreSQL: one instance -----------------------------------------------------------------------
WHO=postgresql
say "starting the service on PostgreSQL and warming it up for ${WARMUP} s"
sync
start_pg_service pg bench-a
svc_a_pid=$svc_pid
POLL=0.2
warm_up "$HTTP" yes
clear_queue "$HTTP"

say "enqueue with workers paused"
measure_enqueue pg
RECORD_REAL=$(pg -c "SELECT coalesce(round(avg(octet_length(record))), 0) FROM queued_email")
row "Limit: pgbench, one-row INSERT per transaction into queued_email, C=32" \
    "$PGB_TPS tx/s, latency avg $PGB_LAT ms ($RECORD_BYTES-byte record; the service's: $RECORD_REAL bytes)" \
    "—" "—" "(the limit of 'PostgreSQL store: durable enqueue')"
for c in 1 8 32; do
    row "PostgreSQL store: durable enqueue, workers off, C=$c" \
        "${ENQ_RPS[pg,$c]} req/s, p50 ${ENQ_P50[pg,$c]} ms, p99 ${ENQ_P99[pg,$c]} ms; JVM CPU ${ENQ_CPU[pg,$c]} µs per request" \
        "pgbench C=32: $PGB_TPS tx/s" "$(ratio "${ENQ_RPS[pg,$c]}" "$PGB_TPS")×" \
        "$([[ $c == 32 ]] && echo 'reported (same run)' || echo '')"
done
row "PostgreSQL / file store: durable enqueue, C=32" \
    "${ENQ_RPS[pg,32]} vs $FILE_RPS req/s; p99 ${ENQ_P99[pg,32]} vs $FILE_P99 ms; JVM CPU ${ENQ_CPU[pg,32]} vs $FILE_CPU µs per request" \
    "file store $FILE_RPS req/s" "$(ratio "${ENQ_RPS[pg,32]}" "$FILE_RPS")×" "≥ 0.8×"
BULK=${BULK_EMAILS[pg]}
row "PostgreSQL store: bulk enqueue (POST /emails, 500 per request, C=4)" "$BULK emails/s, p50 ${BULK_P50[pg]} ms per request" \
    "single enqueue C=32: ${ENQ_RPS[pg,32]}/s" "$(ratio "$BULK" "${ENQ_RPS[pg,32]}")×" "≥ 10×"
if [[ $PROFILE == 1 ]]; then
    profile_c32 "$JAVA_PID" "$WORK/profile-pg.txt" "$HTTP"
fi
clear_queue "$HTTP"

say "end to end: $E2E emails"
enqueue_bulk "$E2E"
s0=$(sent_of "$HTTP")
cost_start "$JAVA_PID"
t0=$(now)
api workers/resume -X POST >/dev/null
wait_until 600 "$E2E deliveries" sent_sum_since "$s0" "$E2E" "$HTTP"
E2E_RATE=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
cost_end "$JAVA_PID" "$E2E"
row "PostgreSQL store: end-to-end delivery of $E2E ($NUM_WORKERS workers)" "$E2E_RATE emails/s; $COST" \
    "sink $SINK_CEILING emails/s" "$(ratio "$E2E_RATE" "$SINK_CEILING")×" "≥ 1,000/s"
wait_until 60 "the queue to empty" queue_empty_pg

# One more end-to-end run under JFR, after a throw-away one under a throw-away recording (see
# profile_c32 in run.sh: JFR's first start throws compiled code away).
deliver_queued() { # count: resumes the workers until that many more are sent, then pauses them
    local s0
    s0=$(sent_of "$HTTP")
    api workers/resume -X POST >/dev/null
    wait_until 600 "$1 deliveries" sent_sum_since "$s0" "$1" "$HTTP"
    api workers/pause -X POST >/dev/null
}
if [[ $PROFILE == 1 ]]; then
    api workers/pause -X POST >/dev/null
    jcmd "$JAVA_PID" JFR.configure stackdepth=256 >/dev/null 2>&1 || true
    jcmd "$JAVA_PID" JFR.start name=settle settings=profile >/dev/null
    enqueue_bulk "$E2E"
    deliver_queued "$E2E"
    jcmd "$JAVA_PID" JFR.stop name=settle >/dev/null
    enqueue_bulk "$E2E"
    jcmd "$JAVA_PID" JFR.start name=bench settings=profile >/dev/null
    cost_start "$JAVA_PID"
    t0=$(now)
    deliver_queued "$E2E"
    rate=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
    jcmd "$JAVA_PID" JFR.stop name=bench filename="$ABS_WORK/profile-pg-e2e.jfr" >/dev/null
    cost_end "$JAVA_PID" "$E2E"
    {
        echo "PostgreSQL store: end to end, $E2E queued emails delivered under JFR: $rate emails/s; $COST"
        echo "(with the profiler on; the figures in results.md were measured without it)"
        java bench/JfrSummary.java "$ABS_WORK/profile-pg-e2e.jfr" "$E2E"
    } >"$WORK/profile-pg-e2e.txt"
    say "profile: $WORK/profile-pg-e2e.txt"
    wait_until 60 "the queue to empty" queue_empty_pg
fi

say "depth: enqueue, claim and memory with 0 and $DEPTH queued"
api workers/pause -X POST >/dev/null
full_gc_rss "$JAVA_PID"
RSS_EMPTY=$RSS_MB HEAP_EMPTY=$HEAP_MB
run_wrk 8 post-email.lua email
SHALLOW_P50=$P50
enqueue_bulk "$DEPTH"
run_wrk 8 post-email.lua email
DEEP_P50=$P50
QUEUED=$(pg -c "SELECT count(*) FROM queued_email")
full_gc_rss "$JAVA_PID"
RSS_DEEP=$RSS_MB HEAP_DEEP=$HEAP_MB
pg -c "ANALYZE queued_email"
explain_claim "the claim with $QUEUED queued (workers paused)"
row "PostgreSQL store: enqueue p50 at depth $DEPTH vs 0 (C=8, workers paused)" "$DEEP_P50 ms vs $SHALLOW_P50 ms" \
    "depth 0: $SHALLOW_P50 ms" "$(ratio "$DEEP_P50" "$SHALLOW_P50")×" "≤ 1.2×"
s0=$(sent_of "$HTTP")
cost_start "$JAVA_PID"
t0=$(now)
api workers/resume -X POST >/dev/null
wait_until 600 "$E2E deliveries at depth" sent_sum_since "$s0" "$E2E" "$HTTP"
DEEP_RATE=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
cost_end "$JAVA_PID" "$E2E"
row "PostgreSQL store: claim cost at depth $DEPTH vs 0 (time per email sending $E2E)" \
    "$DEEP_RATE emails/s at depth $QUEUED vs $E2E_RATE emails/s draining $E2E; $COST" "depth 0: $E2E_RATE emails/s" \
    "$(ratio "$E2E_RATE" "$DEEP_RATE")×" "≤ 1.2×"
row "PostgreSQL store: RSS with $QUEUED queued vs empty (after a full GC)" \
    "$RSS_DEEP MB vs $RSS_EMPTY MB; heap used $HEAP_DEEP MB vs $HEAP_EMPTY MB" "empty: $RSS_EMPTY MB" \
    "$(ratio "$RSS_DEEP" "$RSS_EMPTY")×" "does not grow with depth (≈ 1.0×)"
clear_queue "$HTTP"

# --- PostgreSQL: two instances on the one database -----------------------------------------------------
# The second instance runs from a tree of its own (symlinks to this build, its own copy of the
# templates), so its run.sh keeps its own target/run/, logs/ and data directory.
WHO=two
rm -rf "$TREE_B"
mkdir -p "$TREE_B/target"
ln -s "$PWD/run.sh" "$TREE_B/run.sh"
ln -s "$PWD/server-config" "$TREE_B/server-config"
cp -r templates "$TREE_B/templates"
for f in email-engine.war email-engine payara-micro.jar greenmail-standalone.jar postgresql.jar; do
    ln -s "$PWD/target/$f" "$TREE_B/target/$f"
done
say "starting a second instance on the same database and warming it up for ${WARMUP} s"
svc_pid=""
HTTP=$HTTP_B start_pg_service b bench-b "$TREE_B"
svc_b_pid=$svc_pid JAVA_B=$JAVA_PID
svc_pid=$svc_a_pid
api workers/resume -X POST >/dev/null # the first instance delivers some of the warm-up's mail too
HTTP=$HTTP_B api workers/resume -X POST >/dev/null
CPU_PID=""
warm_up "$HTTP_B" yes
clear_queue "$HTTP" "$HTTP_B"

say "two instances: wrk at C=16 on each at once"
wrk_on() { # port output-file
    wrk -t2 -c16 -d"${DURATION}s" --timeout 10s --latency -s bench/post-email.lua "http://127.0.0.1:$1/email" >"$2"
}
wrk_on "$HTTP" "$WORK/wrk-a.out" &
wa=$!
wrk_on "$HTTP_B" "$WORK/wrk-b.out" &
wb=$!
wait "$wa" "$wb"
WHO=two-a wrk_figures 16 "$(cat "$WORK/wrk-a.out")"
A_RPS=$RPS_EXACT A_P99=$P99
WHO=two-b wrk_figures 16 "$(cat "$WORK/wrk-b.out")"
B_RPS=$RPS_EXACT B_P99=$P99
TWO_RPS=$(awk -v a="$A_RPS" -v b="$B_RPS" 'BEGIN { printf "%.0f", a + b }')
row "Two instances, one database: durable enqueue, C=16 on each at once" \
    "$TWO_RPS req/s ($(printf '%.0f' "$A_RPS") + $(printf '%.0f' "$B_RPS")), p99 $A_P99 / $B_P99 ms" \
    "one instance C=32: ${ENQ_RPS[pg,32]} req/s; pgbench $PGB_TPS tx/s" "$(ratio "$TWO_RPS" "${ENQ_RPS[pg,32]}")×" \
    "reported (two JVMs share $(nproc) cores)"
clear_queue "$HTTP" "$HTTP_B"

say "two instances: end to end, $E2E emails"
enqueue_bulk "$E2E"
a0=$(sent_of "$HTTP") b0=$(sent_of "$HTTP_B")
t0=$(now)
for p in "$HTTP" "$HTTP_B"; do HTTP=$p api workers/resume -X POST >/dev/null; done
wait_until 600 "$E2E deliveries by two instances" sent_sum_since "$((a0 + b0))" "$E2E" "$HTTP" "$HTTP_B"
TWO_E2E=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
row "Two instances, one database: end-to-end delivery of $E2E" \
    "$TWO_E2E emails/s (sent $(($(sent_of "$HTTP") - a0)) + $(($(sent_of "$HTTP_B") - b0)))" \
    "one instance: $E2E_RATE emails/s" "$(ratio "$TWO_E2E" "$E2E_RATE")×" "reported (two JVMs share $(nproc) cores)"

svc_pid=""
pg_cleanup
stop_sink
REPORT_NOTE="PostgreSQL $PG_VERSION on $PG_HOST:$PG_PORT (database $PG_DB, dropped); pgbench's output is in $WORK/wrk.log, the claim's plan at depth in $WORK/pg-explain.txt"
report
