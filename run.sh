#!/usr/bin/env bash
# Builds Email Engine if needed and runs it on Payara Micro at http://127.0.0.1:${HTTP_PORT:-8080}.
# Without SMTP_SERVER it also starts an embedded GreenMail SMTP server on 127.0.0.1 and prints
# where captured mail can be read. Ctrl+C (or SIGTERM) stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

HTTP_PORT=${HTTP_PORT:-8080}
GREENMAIL_SMTP_PORT=${GREENMAIL_SMTP_PORT:-3025}
GREENMAIL_API_PORT=${GREENMAIL_API_PORT:-8025}
export DATA_DIR=$(realpath -m "${DATA_DIR:-./data}")
export TEMPLATES_DIR=$(realpath -m "${TEMPLATES_DIR:-./templates}")
export NUM_WORKERS=${NUM_WORKERS:-3}
export WORKER_POOL_SIZE=${WORKER_POOL_SIZE:-$((NUM_WORKERS + 4))}
RUN_DIR=target/run
WAR=target/email-engine.war

log() { printf '[run.sh] %s\n' "$*"; }
fail() { printf '[run.sh] ERROR: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || fail "java (17 or newer) is not on the PATH"

# --- access: without API keys, loopback only ----------------------------------------------
export HTTP_BIND_ADDRESS=${HTTP_BIND_ADDRESS:-127.0.0.1}
if [[ -z ${API_KEYS:-} ]]; then
    case $HTTP_BIND_ADDRESS in
        127.*|localhost|::1) log "API_KEYS is not set: the API is unauthenticated and listens on $HTTP_BIND_ADDRESS only" ;;
        *) fail "HTTP_BIND_ADDRESS=$HTTP_BIND_ADDRESS needs API_KEYS: set API_KEYS to listen beyond loopback" ;;
    esac
fi

# --- build when the WAR or runtime is missing or older than the sources ----------------------
if [[ ! -f $WAR || ! -f target/payara-micro.jar || ! -f target/greenmail-standalone.jar ]] \
    || [[ -n $(find src pom.xml -newer "$WAR" -print -quit) ]]; then
    command -v mvn >/dev/null || fail "mvn is needed to build (apt-get install maven)"
    log "building (mvn package -DskipTests) ..."
    mvn -q -B package -DskipTests
fi
# From here on everything written is the user's alone: queued mail (bodies, attachments, reset
# codes) in DATA_DIR, logs, and Payara's runtime files. Directories made by earlier versions
# (umask 022) are closed too, so what they hold is private whatever its own mode.
umask 077
mkdir -p "$RUN_DIR" "$DATA_DIR" logs
chmod -R go-rwx "$RUN_DIR" "$DATA_DIR" logs 2>/dev/null \
    || log "WARNING: could not make all of $RUN_DIR, $DATA_DIR and logs/ private to $(id -un)"
# Earlier versions ran Payara with this shared temp dir and a copy of the SMTP password in it.
rm -rf target/payara-tmp
# Payara Micro's runtime directory (domain.xml, keystores, the exploded WAR): private to this run
# and removed when the script ends. It holds no password (post-boot-commands.asadmin says why).
payara_tmp=$(mktemp -d "$RUN_DIR/payara-tmp.XXXXXX")

pids=()
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$payara_tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for_http() { # url, seconds, pid that must stay alive
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.3
    done
}

# --- SMTP: an external server, or the embedded GreenMail ------------------------------------
if [[ -z ${SMTP_SERVER:-} ]]; then
    log "SMTP_SERVER is not set: starting the embedded GreenMail on 127.0.0.1:$GREENMAIL_SMTP_PORT"
    java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$GREENMAIL_SMTP_PORT" \
        -Dgreenmail.auth.disabled -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$GREENMAIL_API_PORT" \
        -jar target/greenmail-standalone.jar >"$RUN_DIR/greenmail.log" 2>&1 &
    pids+=($!)
    wait_for_http "http://127.0.0.1:$GREENMAIL_API_PORT/api/service/readiness" 60 "$!" \
        || fail "GreenMail did not start; see $RUN_DIR/greenmail.log"
    export SMTP_SERVER=127.0.0.1 PORT=$GREENMAIL_SMTP_PORT SMTP_SECURITY=none PASSWORD=""
    export SENDER_EMAIL=${SENDER_EMAIL:-email-engine@localhost}
    embedded=yes
else
    export PORT=${PORT:-465} SMTP_SECURITY=${SMTP_SECURITY:-ssl}
    [[ -n ${SENDER_EMAIL:-} ]] || fail "SENDER_EMAIL must be set when SMTP_SERVER is"
    embedded=no
fi

# The server's mail session takes plain flags; derive them from the original's settings.
case ${SMTP_SECURITY,,} in
    ssl) export SMTP_SSL_ENABLE=true SMTP_STARTTLS_ENABLE=false ;;
    starttls) export SMTP_SSL_ENABLE=false SMTP_STARTTLS_ENABLE=true ;;
    none) export SMTP_SSL_ENABLE=false SMTP_STARTTLS_ENABLE=false ;;
    *) fail "SMTP_SECURITY must be ssl, starttls or none (got '$SMTP_SECURITY')" ;;
esac
if [[ -n ${PASSWORD:-} ]]; then export SMTP_AUTH=true; else export SMTP_AUTH=false; fi

# --- Payara Micro ----------------------------------------------------------------------------
log "starting Payara Micro on http://$HTTP_BIND_ADDRESS:$HTTP_PORT (log: $RUN_DIR/payara.log, app log: logs/)"
# Emptied here, not by the redirect below: that happens in the background and could let the
# readiness check read an earlier run's "ready" line.
: >"$RUN_DIR/payara.log"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx512m} -Djava.io.tmpdir="$payara_tmp" -jar target/payara-micro.jar \
    --deploy "$WAR" --nohazelcast --port "$HTTP_PORT" \
    --prebootcommandfile server-config/payara/pre-boot-commands.asadmin \
    --postbootcommandfile server-config/payara/post-boot-commands.asadmin \
    --postdeploycommandfile server-config/payara/post-deploy-commands.asadmin \
    --logproperties server-config/payara/logging.properties \
    >>"$RUN_DIR/payara.log" 2>&1 &
payara=$!
pids+=($payara)
tail -n +1 -f --pid="$payara" "$RUN_DIR/payara.log" &
pids+=($!)

deadline=$((SECONDS + 240))
until grep -q -E 'Payara Micro .* ready in' "$RUN_DIR/payara.log"; do
    kill -0 "$payara" 2>/dev/null || fail "Payara Micro exited during start-up; see $RUN_DIR/payara.log"
    ((SECONDS < deadline)) || fail "Payara Micro did not start within 240 s"
    sleep 0.5
done
# A failed deployment leaves Payara Micro running and serving 404s: treat it as the failure it is.
if grep -q -E 'Exception while (deploying|loading) the app|Failed to deploy|deploy failed' "$RUN_DIR/payara.log"; then
    fail "the application failed to deploy; see $RUN_DIR/payara.log"
fi
# So does a failed boot command (a mail session without its password, say).
if grep -q -E 'Boot Command .* failed' "$RUN_DIR/payara.log"; then
    fail "a server-config boot command failed; see $RUN_DIR/payara.log"
fi

log "Email Engine is up: http://127.0.0.1:$HTTP_PORT  (data: $DATA_DIR)"
log "try: curl -X POST http://127.0.0.1:$HTTP_PORT/email -H 'Content-Type: application/json' \\"
log "       -d '{\"to_email\": \"user@example.com\", \"subject\": \"Hello\", \"body\": \"Hi\"}'"
if [[ $embedded == yes ]]; then
    log "captured mail: curl http://127.0.0.1:$GREENMAIL_API_PORT/api/user/user@example.com/messages/"
fi
log "Ctrl+C stops everything."
wait "$payara"
