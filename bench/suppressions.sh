# BENCH_ONLY=suppressions bench/run.sh: does a large suppression list slow enqueue? Sourced by
# run.sh once its tools, build, functions and the sink are ready; uses its start_service,
# warm_up, run_wrk, row and report, and postgresql.sh's database helpers for the second store.
#
# For each store (files, then PostgreSQL in a database of its own): one instance, warmed up for
# BENCH_WARMUP seconds; durable enqueue (workers paused) at C = 8 and 32 with an empty list; then
# BENCH_SUPPRESSIONS entries (1,000,000) are seeded behind the running service (files written
# directly by bench/SeedSuppressions.java; on PostgreSQL one INSERT ... SELECT generate_series);
# a POST /email to a seeded address must answer 422 (the lookups really see them); and the same
# enqueue runs again. Every request's recipient is a miss, the common case, which still costs
# the full lookup. Figures: req/s and p50/p99 with the list against the same run without it.

SUPPRESSIONS=${BENCH_SUPPRESSIONS:-1000000}

seeded_is_refused() { # port
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"to_email": "seed-1@seed.bench.test", "subject": "s", "body": "b"}' "http://127.0.0.1:$1/email")
    [[ $status == 422 ]] || fail "an email to a seeded address answered $status, not 422: the seeding missed the list"
}

declare -A SUP_RPS SUP_P50 SUP_P99
measure_supp() { # store phase
    api workers/pause -X POST >/dev/null
    for c in 8 32; do
        run_wrk "$c" post-email.lua email
        SUP_RPS[$1,$2,$c]=$RPS SUP_P50[$1,$2,$c]=$P50 SUP_P99[$1,$2,$c]=$P99
    done
    api workers/resume -X POST >/dev/null
}
supp_rows() { # store label
    for c in 8 32; do
        row "$2: durable enqueue with $SUPPRESSIONS suppressions, C=$c" \
            "${SUP_RPS[$1,with,$c]} req/s, p50 ${SUP_P50[$1,with,$c]} ms, p99 ${SUP_P99[$1,with,$c]} ms" \
            "empty list: ${SUP_RPS[$1,without,$c]} req/s, p50 ${SUP_P50[$1,without,$c]} ms, p99 ${SUP_P99[$1,without,$c]} ms" \
            "$(ratio "${SUP_RPS[$1,with,$c]}" "${SUP_RPS[$1,without,$c]}")× req/s, $(ratio "${SUP_P99[$1,with,$c]}" "${SUP_P99[$1,without,$c]}")× p99" \
            "$([[ $c == 32 ]] && echo '≥ 0.95× req/s' || echo '')"
    done
}

# --- files ---------------------------------------------------------------------------------------
# Each entry is a small file: a block (4 KiB on ext4) and an inode apiece.
need_kb=$((SUPPRESSIONS * 5))
free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
free_inodes=$(df -Pi "$WORK" | awk 'NR == 2 { print $4 }')
((free_kb > need_kb && free_inodes > SUPPRESSIONS + 1000)) \
    || fail "seeding $SUPPRESSIONS files needs ~$((need_kb / 1024)) MB and $SUPPRESSIONS inodes under $WORK ($((free_kb / 1024)) MB, $free_inodes inodes free)"
WHO=supp-file
say "file store: starting and warming up for ${WARMUP} s"
start_service supp-file
warm_up "$HTTP" no
wait_until 600 "the warm-up backlog to drain" queue_empty
measure_supp file without
wait_until 600 "the backlog to drain" queue_empty
say "file store: seeding $SUPPRESSIONS suppressions"
java bench/SeedSuppressions.java "$ABS_WORK/data-supp-file/suppressions" "$SUPPRESSIONS" >&2
sync
seeded_is_refused "$HTTP"
measure_supp file with
supp_rows file "File store"
stop_service
rm -rf "$ABS_WORK/data-supp-file/suppressions" # a million files are not worth keeping

# --- PostgreSQL ----------------------------------------------------------------------------------
# shellcheck source=bench/postgresql.sh
source <(sed -n '/^PG_HOST=/,/^queue_empty_pg()/p' bench/postgresql.sh)
WHO=supp-pg
createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
pg_created=yes
say "PostgreSQL: starting and warming up for ${WARMUP} s"
start_pg_service supp-pg bench-a
svc_a_pid=$svc_pid
warm_up "$HTTP" no
wait_until 600 "the warm-up backlog to drain" queue_empty_pg
measure_supp pg without
wait_until 600 "the backlog to drain" queue_empty_pg
say "PostgreSQL: seeding $SUPPRESSIONS suppressions"
t0=$(now)
pg -c "INSERT INTO suppression (address, reason, source, created_at)
       SELECT 'seed-' || g || '@seed.bench.test', 'seeded by the benchmark', 'operator', now()
       FROM generate_series(1, $SUPPRESSIONS) g ON CONFLICT DO NOTHING" -c "ANALYZE suppression"
say "seeded in $(elapsed "$t0" "$(now)") s"
seeded_is_refused "$HTTP"
measure_supp pg with
supp_rows pg "PostgreSQL"
stop_service
svc_a_pid=""

REPORT_NOTE="Each store on its own instance, warmed ${WARMUP} s; 'with' and 'empty list' are the same instance, workers paused, every recipient a miss (seed-<i>@seed.bench.test seeded; load@bench.test sent)."
stop_sink
report
