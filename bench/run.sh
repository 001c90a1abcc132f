#!/usr/bin/env bash
# The Email Engine benchmark: one command, on loopback, bounded in time and count.
#
#   bench/run.sh                                     # everything
#   BENCH_ONLY=enqueue BENCH_PROFILE=1 bench/run.sh  # floor, before/after and a profile (~12 min)
#   BENCH_ONLY=postgresql bench/run.sh               # the PostgreSQL store against the file store (~15 min)
#   BENCH_ONLY=suppressions bench/run.sh             # enqueue with 1,000,000 suppressions vs none, both stores
#   BENCH_ONLY=dkim bench/run.sh                     # end to end unsigned, RSA- and Ed25519-signed (~10 min)
#   BENCH_ONLY=pacing bench/run.sh                   # rate limits: end to end before/after, accuracy (~12 min)
#   BENCH_ONLY=dashboard bench/run.sh                # durable enqueue with the dashboard open vs closed (~4 min)
#
# Builds the WAR if needed, then measures, each against a limit measured in the same run:
#   0. the framework's floor: an empty JAX-RS POST /email (bench/floor/: read the body, answer a
#      fixed JSON) on the same Payara Micro, warmed and loaded like the service, at C = 1, 8, 32;
#      and the baseline ("before", BENCH_BASELINE): durable enqueue workers off and bulk
#   1. durable enqueue (POST /email, wrk) at C = 1, 8, 32, workers off and on
#      limits: the disk's write+fsync+rename+dir-fsync rate with as many writers (DiskLimit.java),
#      the framework floor at the same C, and the baseline's figure ("after / before")
#   2. bulk enqueue (POST /emails, 500 recipients a request); also after / before
#   3. end-to-end delivery of BENCH_E2E emails to Postfix's smtp-sink
#      limit: the sink's own ceiling, measured with Postfix's smtp-source
#   4. idle latency, 200 OK -> the sink has the message, over 200 paced requests
#   5. enqueue p50 and claim rate with 0 and BENCH_DEPTH emails already queued
#   6. start-up with those ~BENCH_DEPTH queued files: time to serving, to first delivery, RSS
# All throughput figures of the service come from one instance after BENCH_WARMUP seconds of
# load; the floor and the baseline each get their own instance, warmed the same way.
#
# BENCH_ONLY=postgresql measures QUEUE_STORE=postgresql instead (bench/postgresql.sh; none of the
# above but the sink's ceiling), in a database of its own that it creates and drops at the end:
#   limit: pgbench, a one-row INSERT into queued_email (the store's own schema, a BENCH_PG_RECORD
#          byte record) per transaction, C=32, as long as a wrk run
#   1. durable enqueue at C=32 on the file store (its own instance, warmed the same way) and on
#      PostgreSQL at C = 1, 8, 32; bulk (500 per request, C=4) against PostgreSQL's single enqueue
#   2. end-to-end delivery of BENCH_E2E emails to smtp-sink
#   3. enqueue p50, claim rate and RSS (after a full GC) with 0 and BENCH_DEPTH emails queued,
#      and EXPLAIN ANALYZE of the claim at that depth (target/bench/pg-explain.txt)
#   4. two instances on the one database (a second run.sh on BENCH_HTTP_PORT_B, warmed alone as
#      long as the first): wrk at C=16 on each at once, and end-to-end, as aggregates
#   BENCH_PROFILE=1 profiles (as above) C=32 enqueue on both stores and one more end-to-end run on
#   PostgreSQL: target/bench/profile-file.txt, profile-pg.txt, profile-pg-e2e.txt
#   Switches: BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres; PGPASSWORD
#   if it needs one), BENCH_PG_RECORD (1200), BENCH_HTTP_PORT_B (18482). Needs psql and pgbench
#   (installed with apt-get like wrk: postgresql-client and postgresql-contrib, whose server
#   package holds Debian's pgbench) and a PostgreSQL that lets that user create databases.
#
# BENCH_ONLY=suppressions measures enqueue with a large suppression list (bench/suppressions.sh):
#   on each store, durable enqueue at C = 8 and 32 (workers paused) with an empty list, then again
#   after BENCH_SUPPRESSIONS (1000000) entries were seeded behind the running instance (files
#   written by bench/SeedSuppressions.java, ~5 GB of small files; PostgreSQL: generate_series).
#   Needs psql like BENCH_ONLY=postgresql and the same BENCH_PG_* switches.
# BENCH_ONLY=dkim measures what DKIM signing costs (bench/dkim.sh): three instances in turn on the
# file store, each warmed BENCH_WARMUP seconds with the workers on, then end-to-end delivery of
# BENCH_E2E emails to smtp-sink: unsigned, signed with a 2048-bit RSA key, and with an Ed25519
# key; figures: emails/s and JVM CPU per email, signed against unsigned (target >= 0.8x).
# BENCH_ONLY=pacing (bench/pacing.sh; none of the above but the sink's ceiling): end-to-end delivery
#   of BENCH_E2E emails with no limit configured, twice on this tree and twice, interleaved, on
#   the release before issue 15 (BENCH_BASELINE, default a4c5e9f, built like the enqueue
#   baseline), each start delivering one batch cold and a second warm: best warm after / best
#   warm before, which issue 15 must keep within 5 % (the cold ratio is printed too); then RATE_LIMIT=BENCH_RATE/s (100) with BENCH_PACING_SECONDS (30) of mail queued:
#   achieved / configured rate (the limiter's accuracy), and the rate at which the limit is shown
#   full in GET /workers/status.
# BENCH_ONLY=dashboard (bench/dashboard.sh; none of the above but the sink's ceiling): durable
#   enqueue at C=32, workers paused, BENCH_DASHBOARD_ROUNDS (3) rounds each without and with a
#   page's polling (GET /dashboard/figures?since= and /workers/status every 5 s): open / closed.
#
# Switches (environment variables):
#   BENCH_ONLY=enqueue   limits, floor, baseline and the current durable enqueue (workers off) and
#                        bulk only (~11 min with the defaults); skips 1's workers-on runs and 3-6
#   BENCH_BASELINE=rev   the "before" of before/after, a git revision (default e29b2be, the last
#                        commit before issue 13's changes); built once in a temporary git worktree
#                        and kept in target/bench/baseline-<sha>/; "none" skips it
#   BENCH_PROFILE=1      one extra C=32 durable-enqueue run of the current service and of the floor
#                        under JFR (after the measured ones, so no figure carries the profiler):
#                        summaries in target/bench/profile.txt and profile-floor.txt (JfrSummary.java);
#                        BENCH_PROFILE_SETTLE (20 s) of load under a throw-away recording first
#   BENCH_WARMUP (120 s), BENCH_DURATION (10 s per wrk run), BENCH_E2E (20000), BENCH_DEPTH
#   (100000), BENCH_PACED (200), BENCH_HTTP_PORT (18480), BENCH_FLOOR_PORT (18481),
#   BENCH_SMTP_PORT (12525), NUM_WORKERS (3), JAVA_OPTS (run.sh's -Xmx512m; the floor gets the same)
# Needs wrk and postfix (for smtp-sink/smtp-source; the daemon is not used): installed with
# apt-get when missing and running as root. Everything it writes is under target/bench/; it
# stops every process it started, also on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}      # seconds per wrk run
E2E=${BENCH_E2E:-20000}             # emails in the end-to-end run
DEPTH=${BENCH_DEPTH:-100000}        # emails already queued for the depth and recovery runs
PACED=${BENCH_PACED:-200}           # requests in the idle latency run
WARMUP=${BENCH_WARMUP:-120}         # seconds of load before the first figure
HTTP=${BENCH_HTTP_PORT:-18480}
FLOOR=${BENCH_FLOOR_PORT:-18481}
SMTP=${BENCH_SMTP_PORT:-12525}
ONLY=${BENCH_ONLY:-all}
BASELINE=${BENCH_BASELINE:-e29b2be}
# Modes with a script of their own (bench/<mode>.sh): no disk limits, floor or baseline.
SOURCED=""
case $ONLY in postgresql | dkim | suppressions | dashboard) SOURCED=bench/$ONLY.sh BASELINE=none ;; esac
# pacing compares end to end with the last commit before issue 15 (rate limits, per-recipient
# outcomes, suppression list) in the same run; BENCH_BASELINE names another.
[[ $ONLY == pacing ]] && SOURCED=bench/pacing.sh BASELINE=${BENCH_BASELINE:-a4c5e9f}
PROFILE=${BENCH_PROFILE:-0}
PROFILE_SETTLE=${BENCH_PROFILE_SETTLE:-20} # seconds of load under a throw-away recording first
export NUM_WORKERS=${NUM_WORKERS:-3}
WORK=target/bench
ABS_WORK=$PWD/$WORK
PROFILES="$WORK/profile.txt, $WORK/profile-floor.txt"
SINK=/usr/sbin/smtp-sink
SOURCE=/usr/sbin/smtp-source

say() { printf '[bench] %s\n' "$*" >&2; }
fail() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# --- tools ------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || [[ ! -x $SINK || ! -x $SOURCE ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing wrk and postfix (for smtp-sink and smtp-source) with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk postfix >/dev/null
    else
        fail "needs wrk and Postfix's smtp-sink/smtp-source: sudo apt-get install wrk postfix"
    fi
fi
command -v curl >/dev/null || fail "needs curl"
if [[ $ONLY == postgresql || $ONLY == suppressions ]] && ! { command -v pgbench && command -v psql; } >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing psql and pgbench (postgresql-client, postgresql-contrib) with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client postgresql-contrib >/dev/null
    else
        fail "needs psql and pgbench: sudo apt-get install postgresql-client postgresql-contrib"
    fi
fi
for tool in javac jar jcmd; do
    command -v "$tool" >/dev/null || fail "needs a full JDK 17 ($tool is missing)"
done
[[ $ONLY == all || $ONLY == enqueue || -n $SOURCED ]] \
    || fail "BENCH_ONLY must be enqueue, postgresql, dkim, suppressions, pacing or dashboard (or unset for everything)"
HTTP_B=${BENCH_HTTP_PORT_B:-18482}
for port in "$HTTP" "$FLOOR" "$SMTP" $([[ $ONLY == postgresql ]] && echo "$HTTP_B"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        fail "port $port is in use; set BENCH_HTTP_PORT / BENCH_FLOOR_PORT / BENCH_SMTP_PORT / BENCH_HTTP_PORT_B"
    fi
done

if [[ ! -f target/email-engine.war || ! -f target/payara-micro.jar ]] \
    || [[ -n $(find src pom.xml -newer target/email-engine.war -print -quit) ]]; then
    say "building (mvn package -DskipTests)"
    mvn -q -B package -DskipTests
fi
# Everything from an earlier run goes, except built baselines (one per commit, they do not change).
mkdir -p "$WORK"
git worktree remove --force "$ABS_WORK/worktree-baseline" 2>/dev/null || true
find "$WORK" -mindepth 1 -maxdepth 1 ! -name 'baseline-*' -exec rm -rf {} +
cp -r templates "$WORK/templates"

# --- processes --------------------------------------------------------------------------------
sink_pid=""
svc_pid=""
floor_pid=""
base_worktree=""
cleanup() {
    trap - EXIT INT TERM
    stop_service
    stop_floor
    stop_sink
    remove_worktree
    if declare -F pg_cleanup >/dev/null; then pg_cleanup; fi
    if declare -F dashboard_cleanup >/dev/null; then dashboard_cleanup; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_sink() { # [dump-dir]
    local args=(-u nobody)
    if [[ -n ${1:-} ]]; then
        mkdir -p "$1" && chmod 777 "$1"
        args+=(-d "$1/m")
    fi
    "$SINK" "${args[@]}" "127.0.0.1:$SMTP" 1000 &
    sink_pid=$!
    until (exec 3<>"/dev/tcp/127.0.0.1/$SMTP") 2>/dev/null; do sleep 0.05; done
}
stop_sink() {
    if [[ -n $sink_pid ]]; then
        kill "$sink_pid" 2>/dev/null || true
        wait "$sink_pid" 2>/dev/null || true
        sink_pid=""
    fi
}

now() { date +%s.%N; }
wait_until() { # seconds what command...: polls the command until it succeeds; fails at the deadline
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || fail "gave up after waiting for $what"
        sleep "$POLL"
    done
}
POLL=0.05
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Starts the service through run.sh (the user's command) on its own data directory; sets
# BOOT_SECONDS (launch to first 200 from /health) and JAVA_PID. A baseline runs from its own tree
# (its run.sh, server-config/, templates/ and target/), so it starts as it did in its day.
start_service() { # name [tree]
    local name=$1 tree=${2:-.}
    T0=$(now)
    HTTP_PORT="$HTTP" SMTP_SERVER=127.0.0.1 PORT="$SMTP" SMTP_SECURITY=none PASSWORD= \
        SENDER_EMAIL=bench@bench.test DATA_DIR="$ABS_WORK/data-$name" \
        TEMPLATES_DIR="$([[ $tree == . ]] && echo "$ABS_WORK" || echo "$tree")/templates" \
        bash "$tree/run.sh" >"$WORK/service-$name.log" 2>&1 &
    svc_pid=$!
    local deadline=$((SECONDS + 300))
    until curl -fsS -o /dev/null "http://127.0.0.1:$HTTP/health" 2>/dev/null; do
        kill -0 "$svc_pid" 2>/dev/null || fail "the service did not start; see $WORK/service-$name.log"
        ((SECONDS < deadline)) || fail "the service did not answer within 300 s; see $WORK/service-$name.log"
        sleep 0.1
    done
    BOOT_SECONDS=$(elapsed "$T0" "$(now)")
    JAVA_PID=$(pgrep -P "$svc_pid" -f payara-micro.jar)
    CPU_PID=$JAVA_PID
}
stop_service() {
    if [[ -n $svc_pid ]]; then
        kill -TERM "$svc_pid" 2>/dev/null || true
        wait "$svc_pid" 2>/dev/null || true
        svc_pid="" CPU_PID=""
    fi
}
# The framework floor: bench/floor/ as a WAR on the same payara-micro.jar with the service's JVM
# options, without the service's boot command files (it needs no mail session or executors).
start_floor() {
    local tmp=$WORK/floor-tmp
    mkdir -p "$tmp"
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:--Xmx512m} -Djava.io.tmpdir="$tmp" -jar target/payara-micro.jar \
        --deploy "$WORK/floor.war" --nohazelcast --port "$FLOOR" \
        --prebootcommandfile bench/floor/pre-boot-commands.asadmin >"$WORK/floor.log" 2>&1 &
    floor_pid=$!
    local deadline=$((SECONDS + 300))
    until curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
        "http://127.0.0.1:$FLOOR/email" 2>/dev/null; do
        kill -0 "$floor_pid" 2>/dev/null || fail "the floor app did not start; see $WORK/floor.log"
        ((SECONDS < deadline)) || fail "the floor app did not answer within 300 s; see $WORK/floor.log"
        sleep 0.1
    done
    CPU_PID=$floor_pid
}
stop_floor() {
    if [[ -n $floor_pid ]]; then
        kill -TERM "$floor_pid" 2>/dev/null || true
        wait "$floor_pid" 2>/dev/null || true
        floor_pid="" CPU_PID=""
    fi
}
remove_worktree() {
    if [[ -n $base_worktree ]]; then
        git worktree remove --force "$base_worktree" 2>/dev/null || rm -rf "$base_worktree"
        base_worktree=""
    fi
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$JAVA_PID/status"; }
api() { curl -fsS "http://127.0.0.1:$HTTP/$1" "${@:2}"; }
sent_total() { api 'metrics?scope=application' | awk '/^emails_sent_total/ { printf "%d", $2 }'; }
pending_total() { api status | sed -E 's/.*"total_emails":([0-9]+).*/\1/'; }
queue_empty() { [[ $(pending_total) == 0 ]]; }
sent_since() { (($(sent_total) - $1 >= $2)); }
dumped() { (($(find "$WORK/dump" -type f | wc -l) >= PACED)); }

to_ms() { # wrk latency such as 812.00us, 1.20ms, 1.03s
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 } }'
}

# user and system CPU ticks of a process so far
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
CPU_PID=""

# Logs one wrk run's output and sets RPS_EXACT, RPS, REQUESTS, P50, P99 (ms) from it; fails on errors.
wrk_figures() { # connections output
    local out=$2
    printf '== %s C=%s\n%s\n' "$WHO" "$1" "$out" >>"$WORK/wrk.log"
    if grep -q -E 'Non-2xx|Socket errors' <<<"$out"; then
        fail "wrk saw errors (see $WORK/wrk.log): $(grep -E 'Non-2xx|Socket errors' <<<"$out")"
    fi
    RPS_EXACT=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    RPS=$(awk -v r="$RPS_EXACT" 'BEGIN { printf "%.0f", r }')
    REQUESTS=$(awk '/ requests in / { print $1 }' <<<"$out")
    P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
}

# Runs wrk; sets RPS, REQUESTS, P50, P99 (ms), and the CPU time per request of the JVM under test
# (CPU_PID; whatever else it did meanwhile included) in CPU_US, CPU_USER_US, CPU_SYS_US. Any
# non-2xx answer fails the benchmark: errors are not speed.
run_wrk() { # connections script path [port]
    local c=$1 threads=2 out u0=0 s0=0 u1=0 s1=0
    ((c >= 2)) || threads=1
    if [[ -n $CPU_PID ]]; then read -r u0 s0 < <(cpu_ticks "$CPU_PID"); fi
    out=$(wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "bench/$2" "http://127.0.0.1:${4:-$HTTP}/$3")
    if [[ -n $CPU_PID ]]; then read -r u1 s1 < <(cpu_ticks "$CPU_PID"); fi
    wrk_figures "$c" "$out"
    read -r CPU_USER_US CPU_SYS_US CPU_US < <(awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$TICK" -v n="$REQUESTS" \
        'BEGIN { if (n > 0) printf "%.0f %.0f %.0f\n", u / t / n * 1e6, s / t / n * 1e6, (u + s) / t / n * 1e6
                 else print "0 0 0" }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
WHO=service
rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s | %s |' "$@")"); }

report() {
    {
        echo "Email Engine benchmark, $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"
        echo "$(df -T target | awk 'NR == 2 { print $2 }') file system under target/, $NUM_WORKERS workers, wrk ${DURATION} s per run, ${WARMUP} s warm-up$([[ $ONLY == all ]] || echo ", BENCH_ONLY=$ONLY")"
        echo
        echo "| Figure | Measured | Limit (same run) | Ratio | Target |"
        echo "|---|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
        echo
        [[ -z ${REPORT_NOTE:-} ]] || printf '%s\n\n' "$REPORT_NOTE"
        echo "Raw wrk output: $WORK/wrk.log$([[ $PROFILE == 1 ]] && echo "; profiles: $PROFILES")"
    } | tee "$WORK/results.md"
}

# --- builds: the floor app and the baseline, before anything is measured ------------------------
WHO=build
if [[ -z $SOURCED ]]; then
    api_jar=$(find "${M2_REPO:-$HOME/.m2/repository}/jakarta/platform/jakarta.jakartaee-api" \
        -name 'jakarta.jakartaee-api-10*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' 2>/dev/null | sort | tail -n 1 || true)
    if [[ -z $api_jar ]]; then
        mvn -q -B dependency:copy -Dartifact=jakarta.platform:jakarta.jakartaee-api:10.0.0 -DoutputDirectory="$WORK/floor-lib"
        api_jar=$WORK/floor-lib/jakarta.jakartaee-api-10.0.0.jar
    fi
    mkdir -p "$WORK/floor-war/WEB-INF/classes"
    javac --release 17 -nowarn -cp "$api_jar" -d "$WORK/floor-war/WEB-INF/classes" bench/floor/*.java
    cp bench/floor/payara-web.xml "$WORK/floor-war/WEB-INF/"
    jar --create --file "$WORK/floor.war" -C "$WORK/floor-war" .
fi

if [[ $BASELINE != none ]]; then
    BASE_SHA=$(git rev-parse --verify --quiet "$BASELINE^{commit}") || fail "BENCH_BASELINE=$BASELINE is no commit here"
    BASE_NAME=$(git rev-parse --short "$BASE_SHA")
    BASE_TREE=$ABS_WORK/baseline-$BASE_SHA
    if [[ ! -f $BASE_TREE/target/email-engine.war ]]; then
        say "building the baseline $BASE_NAME in a temporary git worktree (mvn package -DskipTests)"
        rm -rf "$BASE_TREE" "$BASE_TREE.tmp"
        base_worktree=$ABS_WORK/worktree-baseline
        git worktree add -f --detach "$base_worktree" "$BASE_SHA" >"$WORK/baseline-build.log" 2>&1
        (cd "$base_worktree" && mvn -q -B package -DskipTests) >>"$WORK/baseline-build.log" 2>&1 \
            || fail "the baseline $BASE_NAME did not build; see $WORK/baseline-build.log"
        # Its own run.sh, server-config/ and templates/ start it as it started in its day; its
        # sources keep their commit-time dates, older than the WAR, so its run.sh does not rebuild.
        mkdir -p "$BASE_TREE.tmp/target"
        git archive "$BASE_SHA" run.sh server-config templates pom.xml src | tar -x -C "$BASE_TREE.tmp"
        cp "$base_worktree"/target/{email-engine.war,payara-micro.jar,greenmail-standalone.jar} "$BASE_TREE.tmp/target/"
        mv "$BASE_TREE.tmp" "$BASE_TREE"
        remove_worktree
    fi
fi

# --- 0. limits ---------------------------------------------------------------------------------
WHO=limits
declare -A DISK
if [[ -z $SOURCED ]]; then
    for c in 1 8 32; do
        DISK[$c]=$(java bench/DiskLimit.java "$WORK/disk" "$c" 5)
        say "disk: $c writer(s): ${DISK[$c]} durable small-file writes/s"
    done
    CREATE=$(java bench/DiskLimit.java "$WORK/disk" 4 5 nosync)
    sync
    say "file system: 4 writers: $CREATE small-file creates+renames/s without fsync"
fi
start_sink
if [[ $ONLY != enqueue && $ONLY != suppressions && $ONLY != dashboard ]]; then
    t0=$(now)
    "$SOURCE" -d -s 16 -m "$E2E" -l 1000 -f bench@bench.test -t sink@bench.test "127.0.0.1:$SMTP"
    SINK_CEILING=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
    say "sink ceiling (smtp-source, 16 sessions): $SINK_CEILING emails/s"
fi

# Payara's JIT needs minutes of load before C2 stops compiling (profiled: a C2 thread at 100 %
# for ~2 min, the request path 2-3× slower meanwhile). Figures are taken after WARMUP seconds of
# load; the cold numbers are in RESULTS.md for comparison. The floor, the baseline and the
# service all get this same load: C=32 single emails in 15 s runs, each followed (except on the
# floor, which has no /emails) by 1 s of bulk at C=1.
warm_up() { # port, with-bulk (yes|no)
    local end=$((SECONDS + WARMUP))
    while ((SECONDS < end)); do
        wrk -t2 -c32 -d"$((end - SECONDS < 15 ? end - SECONDS + 1 : 15))s" -s bench/post-email.lua \
            "http://127.0.0.1:$1/email" >/dev/null
        if [[ $2 == yes ]]; then
            wrk -t1 -c1 -d1s -s bench/post-bulk.lua "http://127.0.0.1:$1/emails" >/dev/null
        fi
    done
}

# Durable enqueue with the workers paused at C = 1, 8, 32, then bulk at C=4: the figures compared
# before/after. Sets ENQ_RPS/ENQ_P50/ENQ_P99/ENQ_CPU[who,c] and BULK_EMAILS/BULK_P50[who].
declare -A ENQ_RPS ENQ_P50 ENQ_P99 ENQ_CPU BULK_EMAILS BULK_P50
measure_enqueue() { # who
    WHO=$1
    api workers/pause -X POST >/dev/null
    for c in 1 8 32; do
        run_wrk "$c" post-email.lua email
        ENQ_RPS[$1,$c]=$RPS ENQ_P50[$1,$c]=$P50 ENQ_P99[$1,$c]=$P99 ENQ_CPU[$1,$c]=$CPU_US
    done
    run_wrk 4 post-bulk.lua emails
    BULK_EMAILS[$1]=$(awk -v r="$RPS_EXACT" 'BEGIN { printf "%.0f", r * 500 }')
    BULK_P50[$1]=$P50
}

# One more C=32 durable-enqueue run under JFR (settings=profile), summarised by JfrSummary.java.
# JFR's first start instruments JDK classes and throws away compiled code: a throw-away recording
# under the same load first lets the JIT settle again, or the profile shows a 3-5x slower service.
profile_c32() { # pid, out-file, port
    local jfr=$ABS_WORK/$(basename "$2" .txt).jfr
    # Payara's stacks run deeper than JFR's default 64 frames; only possible before JFR's first start.
    jcmd "$1" JFR.configure stackdepth=256 >/dev/null 2>&1 || true
    jcmd "$1" JFR.start name=settle settings=profile >/dev/null
    wrk -t2 -c32 -d"${PROFILE_SETTLE}s" -s bench/post-email.lua "http://127.0.0.1:$3/email" >/dev/null
    jcmd "$1" JFR.stop name=settle >/dev/null
    jcmd "$1" JFR.start name=bench settings=profile >/dev/null
    run_wrk 32 post-email.lua email "$3"
    jcmd "$1" JFR.stop name=bench filename="$jfr" >/dev/null
    {
        echo "$WHO: durable enqueue, C=32, ${DURATION} s under JFR: $REQUESTS requests, $RPS req/s, p50 $P50 ms, p99 $P99 ms"
        echo "(with the profiler on; the figures in results.md were measured without it)"
        echo "JVM CPU per request (/proc): $CPU_USER_US µs user + $CPU_SYS_US µs system = $CPU_US µs"
        java bench/JfrSummary.java "$jfr" "$REQUESTS"
    } >"$2"
    say "profile: $2"
}

# The end-to-end and depth runs queue their emails with bulk requests of 500 recipients.
awk 'BEGIN {
    printf "{\"subject\": \"e2e\", \"body\": \"End to end.\", \"recipients\": ["
    for (i = 1; i <= 500; i++) printf "%s{\"to_email\": \"e2e-%d@bench.test\"}", (i > 1 ? "," : ""), i
    printf "]}" }' >"$WORK/e2e-body.json"
enqueue_bulk() { # count
    for ((i = 0; i < $1 / 500; i++)); do
        api emails -X POST -H 'Content-Type: application/json' --data-binary "@$WORK/e2e-body.json" >/dev/null
    done
}

if [[ -n $SOURCED ]]; then
    # shellcheck disable=SC1090
    source "$SOURCED"
    exit 0
fi

# --- the framework floor ----------------------------------------------------------------------------
WHO=floor
say "starting the framework floor (empty JAX-RS POST) and warming it up for ${WARMUP} s"
sync
start_floor
warm_up "$FLOOR" no
declare -A FLOOR_RPS FLOOR_CPU
for c in 1 8 32; do
    run_wrk "$c" post-email.lua email "$FLOOR"
    FLOOR_RPS[$c]=$RPS FLOOR_CPU[$c]=$CPU_US
    row "Framework floor (empty JAX-RS POST), C=$c" "$RPS req/s, p50 $P50 ms, p99 $P99 ms" "—" "—" \
        "(the limit of 'Durable enqueue / floor')"
done
if [[ $PROFILE == 1 ]]; then
    profile_c32 "$floor_pid" "$WORK/profile-floor.txt" "$FLOOR"
fi
stop_floor

# --- the baseline ("before") --------------------------------------------------------------------------
if [[ $BASELINE != none ]]; then
    say "starting the baseline $BASE_NAME and warming it up for ${WARMUP} s"
    sync
    start_service baseline "$BASE_TREE"
    warm_up "$HTTP" yes
    wait_until 600 "the baseline's warm-up backlog to drain" queue_empty
    measure_enqueue before
    for c in 1 8 32; do
        row "Before ($BASE_NAME): durable enqueue, workers off, C=$c" \
            "${ENQ_RPS[before,$c]} req/s, p50 ${ENQ_P50[before,$c]} ms, p99 ${ENQ_P99[before,$c]} ms" \
            "disk ${DISK[$c]} writes/s" "$(ratio "${ENQ_RPS[before,$c]}" "${DISK[$c]}")×" ""
    done
    row "Before ($BASE_NAME): bulk enqueue (500 per request, C=4)" \
        "${BULK_EMAILS[before]} emails/s, p50 ${BULK_P50[before]} ms per request" \
        "$CREATE file creates/s, no fsync, 4 writers" "$(ratio "${BULK_EMAILS[before]}" "$CREATE")×" ""
    stop_service
fi

# --- the main instance: warm up, then every throughput figure -----------------------------------
WHO=service
say "starting the service (NUM_WORKERS=$NUM_WORKERS) and warming it up for ${WARMUP} s"
sync
start_service main
BOOT_EMPTY=$BOOT_SECONDS
warm_up "$HTTP" yes
wait_until 600 "the warm-up backlog to drain" queue_empty

say "enqueue with workers paused (off)"
measure_enqueue after
declare -A OFF_RPS
for c in 1 8 32; do
    OFF_RPS[$c]=${ENQ_RPS[after,$c]}
    row "Durable enqueue, workers off, C=$c" \
        "${ENQ_RPS[after,$c]} req/s, p50 ${ENQ_P50[after,$c]} ms, p99 ${ENQ_P99[after,$c]} ms" \
        "disk ${DISK[$c]} writes/s" "$(ratio "${ENQ_RPS[after,$c]}" "${DISK[$c]}")×" \
        "$([[ $c == 32 ]] && echo '≥ 1.0×, p99 ≤ 50 ms' || echo '')"
done
for c in 1 8 32; do
    row "Durable enqueue / floor, C=$c" \
        "${OFF_RPS[$c]} vs ${FLOOR_RPS[$c]} req/s; JVM CPU ${ENQ_CPU[after,$c]} vs ${FLOOR_CPU[$c]} µs per request" \
        "floor ${FLOOR_RPS[$c]} req/s" \
        "$(ratio "${OFF_RPS[$c]}" "${FLOOR_RPS[$c]}")×" "$([[ $c == 32 ]] && echo '(≥ 0.35× is the later goal)' || echo '')"
done
BULK=${BULK_EMAILS[after]}
row "Bulk enqueue (POST /emails, 500 per request, C=4)" "$BULK emails/s, p50 ${BULK_P50[after]} ms per request" \
    "single enqueue C=32: ${OFF_RPS[32]}/s" "$(ratio "$BULK" "${OFF_RPS[32]}")×" "≥ 10×"
row "Bulk enqueue against the file system" "$BULK emails/s" "$CREATE file creates/s, no fsync, 4 writers" \
    "$(ratio "$BULK" "$CREATE")×" "(one file per email)"
if [[ $BASELINE != none ]]; then
    for c in 1 8 32; do
        row "Durable enqueue after / before ($BASE_NAME), C=$c" \
            "${OFF_RPS[$c]} vs ${ENQ_RPS[before,$c]} req/s; p99 ${ENQ_P99[after,$c]} vs ${ENQ_P99[before,$c]} ms; JVM CPU ${ENQ_CPU[after,$c]} vs ${ENQ_CPU[before,$c]} µs per request" \
            "before ${ENQ_RPS[before,$c]} req/s" "$(ratio "${OFF_RPS[$c]}" "${ENQ_RPS[before,$c]}")×" \
            "$([[ $c == 32 ]] && echo '≥ 0.90× (within 10 %)' || echo '')"
    done
    row "Bulk enqueue after / before ($BASE_NAME)" "$BULK vs ${BULK_EMAILS[before]} emails/s" \
        "before ${BULK_EMAILS[before]} emails/s" "$(ratio "$BULK" "${BULK_EMAILS[before]}")×" "≥ 0.90× (within 10 %)"
fi
if [[ $PROFILE == 1 ]]; then
    profile_c32 "$JAVA_PID" "$WORK/profile.txt" "$HTTP"
fi
if [[ $ONLY == enqueue ]]; then
    stop_service
    stop_sink
    report
    exit 0
fi
api workers/resume -X POST >/dev/null
wait_until 900 "the paused runs' emails to be delivered" queue_empty

say "enqueue with workers on"
for c in 1 8 32; do
    s0=$(sent_total)
    q0=$(pending_total)
    run_wrk "$c" post-email.lua email
    delivered=$(awk -v a="$s0" -v b="$(sent_total)" -v d="$DURATION" 'BEGIN { printf "%.0f", (b - a) / d }')
    backlog=$(($(pending_total) - q0))
    row "Durable enqueue, workers on, C=$c" "$RPS req/s, p50 $P50 ms, p99 $P99 ms; delivered $delivered/s, backlog +$backlog" \
        "disk ${DISK[$c]} writes/s" "$(ratio "$RPS" "${DISK[$c]}")×" \
        "$([[ $c == 32 ]] && echo 'deliveries keep pace' || echo '')"
    wait_until 900 "the backlog to drain" queue_empty
done

say "end to end: $E2E emails"
api workers/pause -X POST >/dev/null
enqueue_bulk "$E2E"
s0=$(sent_total)
t0=$(now)
api workers/resume -X POST >/dev/null
wait_until 600 "$E2E deliveries" sent_since "$s0" "$E2E"
E2E_RATE=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
row "End-to-end delivery of $E2E ($NUM_WORKERS workers)" "$E2E_RATE emails/s" "sink $SINK_CEILING emails/s" \
    "$(ratio "$E2E_RATE" "$SINK_CEILING")×" "≥ 1,000/s and ≥ 0.8× the sink if lower"

say "depth: enqueue and claim with $DEPTH already queued"
api workers/pause -X POST >/dev/null
run_wrk 8 post-email.lua email
SHALLOW_P50=$P50
enqueue_bulk "$DEPTH"
run_wrk 8 post-email.lua email
DEEP_P50=$P50
row "Enqueue p50 at depth $DEPTH vs 0 (C=8, workers paused)" "$DEEP_P50 ms vs $SHALLOW_P50 ms" \
    "depth 0: $SHALLOW_P50 ms" "$(ratio "$DEEP_P50" "$SHALLOW_P50")×" "≤ 1.2×"
s0=$(sent_total)
t0=$(now)
api workers/resume -X POST >/dev/null
wait_until 600 "$E2E deliveries at depth" sent_since "$s0" "$E2E"
DEEP_RATE=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
row "Claim rate at depth $DEPTH ($E2E sends)" "$DEEP_RATE emails/s" "at depth $E2E: $E2E_RATE emails/s" \
    "$(ratio "$DEEP_RATE" "$E2E_RATE")×" ""
api workers/pause -X POST >/dev/null
LEFT=$(pending_total)
stop_service

# --- recovery: the same data directory, restarted with what is left queued ----------------------
say "recovery with $LEFT queued"
start_service main
BOOT_DEEP=$BOOT_SECONDS
RSS_DEEP=$(rss_mb)
wait_until 120 "the first delivery" sent_since 0 1
FIRST_DEEP=$(elapsed "$T0" "$(now)")
row "Recovery with $LEFT queued: serving after" "$BOOT_DEEP s (empty queue: $BOOT_EMPTY s); RSS $RSS_DEEP MB" \
    "boot $BOOT_EMPTY s + 10 s" "$(awk -v a="$BOOT_DEEP" -v b="$BOOT_EMPTY" 'BEGIN { printf "+%.1f s", a - b }')" \
    "≤ boot + 10 s; RSS ≤ 600 MB"
row "Recovery with $LEFT queued: first delivery after" "$FIRST_DEEP s from launch" "—" "—" ""
stop_service
stop_sink

# --- idle latency -----------------------------------------------------------------------------------
say "idle latency over $PACED paced requests"
start_sink "$WORK/dump"
start_service idle
java bench/Paced.java "http://127.0.0.1:$HTTP" "$PACED" 50 >"$WORK/paced.txt"
wait_until 60 "$PACED emails at the sink" dumped
sleep 0.2 # the last dump file is closed after the sink answers 250
for f in "$WORK"/dump/m*; do
    id=$(grep -m1 -o -E 'Message-ID: <batch_[0-9]+_[0-9a-f]+' "$f" | sed 's/.*<//')
    printf '%s %s\n' "$id" "$(stat -c %.6Y "$f" | tr -d .)"
done >"$WORK/arrived.txt"
# paced.txt: id, micros when the request was sent, micros when its 200 arrived
latency() { # column of paced.txt to measure from
    awk -v col="$1" 'NR == FNR { t[$1] = $col; next } ($1 in t) { print ($2 - t[$1]) / 1000 }' \
        "$WORK/paced.txt" "$WORK/arrived.txt" | sort -n | awk '{ v[NR] = $1 } END {
            printf "%.1f %.1f %d", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)], NR }'
}
read -r SEND50 SEND99 LATN <<<"$(latency 2)"
read -r OK50 OK99 _ <<<"$(latency 3)"
row "Idle latency, request sent → sink has it ($LATN emails)" "p50 $SEND50 ms, p99 $SEND99 ms" "—" "—" "p50 ≤ 100 ms"
row "Idle latency, 200 OK received → sink has it" "p50 $OK50 ms, p99 $OK99 ms (negative: the sink had it first)" \
    "—" "—" "p50 ≤ 100 ms"
stop_service
stop_sink

# --- report -----------------------------------------------------------------------------------------
report
