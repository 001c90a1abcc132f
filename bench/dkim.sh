# BENCH_ONLY=dkim bench/run.sh: end-to-end delivery unsigned and DKIM-signed, same run (see the
# top of run.sh). Sourced by run.sh once its tools, build, functions and the sink (with its
# ceiling in SINK_CEILING) are ready; uses its start_service, warm_up, enqueue_bulk, row and report.
#
# Each instance is started alike and warmed the same BENCH_WARMUP seconds with its workers on, so
# the signing path is compiled before it is measured; the figure is BENCH_E2E emails queued while
# the workers are paused, then delivered to smtp-sink, and the JVM's CPU time spent meanwhile.

command -v openssl >/dev/null || fail "BENCH_ONLY=dkim needs openssl to make its keys"
KEYS=$ABS_WORK/dkim-keys
mkdir -p "$KEYS" && chmod 700 "$KEYS"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$KEYS/ed25519.pem" 2>/dev/null
chmod 600 "$KEYS"/*.pem

declare -A DKIM_RATE DKIM_CPU
# Starts an instance with the given DKIM settings (none for unsigned), warms it, measures.
measure_dkim() { # name [selector key-file]
    local name=$1
    if [[ -n ${2:-} ]]; then
        export DKIM_SELECTOR=$2 DKIM_PRIVATE_KEY=$3
    else
        unset DKIM_SELECTOR DKIM_PRIVATE_KEY
    fi
    WHO=dkim-$name
    start_service "dkim-$name"
    unset DKIM_SELECTOR DKIM_PRIVATE_KEY
    if [[ -n ${2:-} ]] && ! api dkim | grep -q "\"selector\":\"$2\""; then
        fail "the $name instance does not list its DKIM key; see $WORK/service-dkim-$name.log"
    fi
    say "$name: warming up for $WARMUP s (workers on)"
    warm_up "$HTTP" no
    wait_until 900 "the warm-up's emails to be delivered" queue_empty
    say "$name: end to end, $E2E emails"
    api workers/pause -X POST >/dev/null
    enqueue_bulk "$E2E"
    local s0 t0 u0 s0cpu u1 s1cpu
    s0=$(sent_total)
    read -r u0 s0cpu < <(cpu_ticks "$JAVA_PID")
    t0=$(now)
    api workers/resume -X POST >/dev/null
    wait_until 600 "$E2E deliveries" sent_since "$s0" "$E2E"
    DKIM_RATE[$name]=$(awk -v n="$E2E" -v s="$(elapsed "$t0" "$(now)")" 'BEGIN { printf "%.0f", n / s }')
    read -r u1 s1cpu < <(cpu_ticks "$JAVA_PID")
    DKIM_CPU[$name]=$(awk -v t=$((u1 - u0 + s1cpu - s0cpu)) -v hz="$TICK" -v n="$E2E" \
        'BEGIN { printf "%.0f", t / hz / n * 1e6 }')
    say "$name: ${DKIM_RATE[$name]} emails/s, ${DKIM_CPU[$name]} us JVM CPU per email"
    stop_service
}

measure_dkim unsigned
measure_dkim rsa rsa2048 "$KEYS/rsa.pem"
measure_dkim ed25519 ed "$KEYS/ed25519.pem"

row "End-to-end delivery of $E2E, unsigned" "${DKIM_RATE[unsigned]} emails/s, ${DKIM_CPU[unsigned]} µs CPU/email" \
    "sink $SINK_CEILING emails/s" "$(ratio "${DKIM_RATE[unsigned]}" "$SINK_CEILING")×" ""
for name in rsa ed25519; do
    row "End-to-end, DKIM-signed ($name)" "${DKIM_RATE[$name]} emails/s, ${DKIM_CPU[$name]} µs CPU/email" \
        "unsigned ${DKIM_RATE[unsigned]} emails/s" "$(ratio "${DKIM_RATE[$name]}" "${DKIM_RATE[unsigned]}")×" "≥ 0.8×"
done
# The floor of an RSA signature on this machine, in the same run: OpenSSL's own private-key
# operation (native, faster than any JVM's). Even at that cost per email, on top of the unsigned
# CPU per email, the best signed/unsigned ratio a CPU-bound instance could reach is below.
RSA_SIGN_US=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { printf "%.0f", $4 * 1000000 }')
if [[ -n $RSA_SIGN_US ]]; then
    row "Ceiling for RSA-2048 signing: unsigned CPU / (unsigned CPU + OpenSSL's RSA-2048 sign)" \
        "${DKIM_CPU[unsigned]} / (${DKIM_CPU[unsigned]} + $RSA_SIGN_US) µs" "openssl speed rsa2048: $RSA_SIGN_US µs a signature" \
        "$(ratio "${DKIM_CPU[unsigned]}" $((DKIM_CPU[unsigned] + RSA_SIGN_US)))×" "reported (the best RSA could do)"
fi
REPORT_NOTE="Signing cost per email (JVM CPU, signed minus unsigned): RSA $((DKIM_CPU[rsa] - DKIM_CPU[unsigned])) µs,"\
" Ed25519 $((DKIM_CPU[ed25519] - DKIM_CPU[unsigned])) µs. Keys made by openssl in $KEYS."
report
