# BENCH_ONLY=dashboard bench/run.sh: does an open dashboard slow durable enqueue? Sourced by
# run.sh once its tools, build, functions and the sink are ready; uses its start_service,
# warm_up, run_wrk, row and report.
#
# One instance on the file store, warmed BENCH_WARMUP seconds, workers paused; then
# BENCH_DASHBOARD_ROUNDS (3) rounds of durable enqueue at C=32, each once without and once with a
# page's polling: what dashboard.js asks every 5 s (GET /dashboard/figures?since=<last>, GET
# /workers/status), after the page's opening calls (the hour of figures, dead letters,
# templates, suppressions). The dashboard's own sampler runs in both (it runs whether or not a
# page is open): this measures the page. Figures: mean req/s and p99 with against without.

ROUNDS=${BENCH_DASHBOARD_ROUNDS:-3}
poller_pid=""

dashboard_poll() { # port: one open page, until killed
    local base="http://127.0.0.1:$1" since
    curl -fsS -o /dev/null "$base/dashboard" && curl -fsS -o /dev/null "$base/dead-letter?limit=50" \
        && curl -fsS -o /dev/null "$base/templates" && curl -fsS -o /dev/null "$base/suppressions?limit=50"
    since=$(curl -fsS "$base/dashboard/figures" | grep -o '"at":"[^"]*"' | head -1 | cut -d'"' -f4)
    while :; do
        sleep 5 # the page's poll interval, not a wait for a condition
        since=$(curl -fsS "$base/dashboard/figures?since=$since" | grep -o '"at":"[^"]*"' | head -1 | cut -d'"' -f4)
        curl -fsS -o /dev/null "$base/workers/status"
    done
}
dashboard_cleanup() {
    if [[ -n $poller_pid ]]; then
        kill "$poller_pid" 2>/dev/null || true
        wait "$poller_pid" 2>/dev/null || true
        poller_pid=""
    fi
}

WHO=dashboard
say "dashboard: starting and warming up for ${WARMUP} s"
start_service dashboard
warm_up "$HTTP" no
wait_until 600 "the warm-up backlog to drain" queue_empty
curl -fsS -o /dev/null "http://127.0.0.1:$HTTP/dashboard/figures" || fail "GET /dashboard/figures failed"
api workers/pause -X POST >/dev/null
declare -a WITHOUT_RPS WITHOUT_P99 WITH_RPS WITH_P99
for ((round = 1; round <= ROUNDS; round++)); do
    WHO=dashboard-closed
    run_wrk 32 post-email.lua email
    WITHOUT_RPS+=("$RPS_EXACT") WITHOUT_P99+=("$P99")
    dashboard_poll "$HTTP" &
    poller_pid=$!
    WHO=dashboard-open
    run_wrk 32 post-email.lua email
    dashboard_cleanup
    WITH_RPS+=("$RPS_EXACT") WITH_P99+=("$P99")
    say "round $round: closed ${WITHOUT_RPS[-1]} req/s, open ${WITH_RPS[-1]} req/s"
done
api workers/resume -X POST >/dev/null
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f", s / NR }'; }
with_rps=$(mean "${WITH_RPS[@]}") without_rps=$(mean "${WITHOUT_RPS[@]}")
with_p99=$(mean "${WITH_P99[@]}") without_p99=$(mean "${WITHOUT_P99[@]}")
row "Durable enqueue C=32, dashboard open (polling every 5 s), mean of $ROUNDS" \
    "$with_rps req/s, p99 $with_p99 ms" "closed: $without_rps req/s, p99 $without_p99 ms" \
    "$(ratio "$with_rps" "$without_rps")× req/s" "≥ 0.95× req/s"
REPORT_NOTE="Rounds alternate closed and open, ${DURATION} s each; per round (closed/open req/s):"\
" $(for i in "${!WITH_RPS[@]}"; do printf '%.0f/%.0f ' "${WITHOUT_RPS[$i]}" "${WITH_RPS[$i]}"; done)"
stop_service
report
