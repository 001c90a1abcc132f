#!/usr/bin/env bash
# Builds Email Engine if needed and runs it on Payara Micro at http://127.0.0.1:${HTTP_PORT:-8080}.
# Without SMTP_SERVER it also starts an embedded GreenMail SMTP server on 127.0.0.1 and prints
# where captured mail can be read. Ctrl+C (or SIGTERM) stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

export HTTP_PORT=${HTTP_PORT:-8080} # also names this instance on a shared queue (INSTANCE_NAME)
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
# templates/ is two things: the source of the four default templates the WAR bundles (pom.xml
# copies them to default-templates/, from where a deleted default is re-created at start-up) and,
# as the default TEMPLATES_DIR, a directory the running service writes (PUT /templates, manifest
# and restored defaults). Its modification times therefore say nothing: a PUT of a new template
# would force a rebuild that puts nothing the service reads into the WAR. What matters is whether
# a default's file differs from the copy in the WAR, compared by content against the WAR plugin's
# webapp directory (what `mvn package` zipped into the WAR). A default deleted from templates/
# needs no rebuild: the WAR's copy is what brings it back.
default_templates_changed() {
    local file bundled=target/email-engine/WEB-INF/classes/default-templates
    for file in templates/{verify,welcome,password_reset,notification}.{txt,html}; do
        [[ -f $file ]] || continue
        cmp -s "$file" "$bundled/${file#templates/}" || return 0
    done
    return 1
}
if [[ ! -f $WAR || ! -f target/payara-micro.jar || ! -f target/greenmail-standalone.jar || ! -f target/postgresql.jar ]] \
    || [[ -n $(find src pom.xml -newer "$WAR" -print -quit) ]] || default_templates_changed; then
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
    until curl -fsS --noproxy '*' -o /dev/null "$1" 2>/dev/null; do
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

# --- the queue's store: files under DATA_DIR (the default), or PostgreSQL ------------------
# The server always defines the DataSource (server-config/payara/post-boot-commands.asadmin reads
# DB_URL, DB_USER, DB_PASSWORD and DB_POOL_SIZE); only QUEUE_STORE=postgresql ever connects to it.
if [[ ${QUEUE_STORE:-file} == postgresql ]]; then
    db_url=${DB_URL:-jdbc:postgresql://127.0.0.1:5432/emailengine}
    # A password may sit in the URL's parameters: never printed.
    shown_url=$(sed -E 's/([?&]password=)[^&]*/\1***/Ig' <<<"$db_url")
    log "QUEUE_STORE=postgresql: the queue is kept in $shown_url as ${DB_USER:-postgres}"
    # host[:port] of each host the URL names (jdbc:postgresql://h1[:p1][,h2[:p2]]/db?...)
    hosts=${db_url#jdbc:postgresql://}
    hosts=${hosts%%/*}
    hosts=${hosts%%\?*}
    hosts=${hosts:-localhost:5432}
    reachable=no
    IFS=, read -r -a db_hosts <<<"$hosts"
    for host_port in "${db_hosts[@]}"; do
        case $host_port in
            \[*\]:*) host=${host_port%]:*}; host=${host#[}; port=${host_port##*]:} ;;
            \[*\]) host=${host_port#[}; host=${host%]}; port=5432 ;;
            *:*) host=${host_port%:*}; port=${host_port##*:} ;;
            *) host=${host_port:-localhost}; port=5432 ;;
        esac
        if timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
            reachable=yes
            break
        fi
    done
    if [[ $reachable == no ]]; then
        log "WARNING: no PostgreSQL accepts connections at $hosts: the service starts, but answers 503"
        log "WARNING: until the database is reachable (set DB_URL, DB_USER and DB_PASSWORD; docs/configuration.md)"
    fi
fi

# --- Payara Micro ----------------------------------------------------------------------------
log "starting Payara Micro on http://$HTTP_BIND_ADDRESS:$HTTP_PORT (log: $RUN_DIR/payara.log, app log: logs/)"
# Emptied here, not by the redirect below: that happens in the background and could let the
# failure checks below read an earlier run's lines.
: >"$RUN_DIR/payara.log"
# shellcheck disable=SC2086
# Jakarta Mail 2.1 looks its StreamProvider up with a ServiceLoader (a class-path scan) for every
# MIME part it writes (jakartaee/mail-api#861); naming the provider skips the scan.
java ${JAVA_OPTS:--Xmx512m} -Djava.io.tmpdir="$payara_tmp" \
    -Djakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider -jar target/payara-micro.jar \
    --deploy "$WAR" --nohazelcast --port "$HTTP_PORT" --addlibs target/postgresql.jar \
    --prebootcommandfile server-config/payara/pre-boot-commands.asadmin \
    --postbootcommandfile server-config/payara/post-boot-commands.asadmin \
    --postdeploycommandfile server-config/payara/post-deploy-commands.asadmin \
    --logproperties server-config/payara/logging.properties \
    >>"$RUN_DIR/payara.log" 2>&1 &
payara=$!
pids+=($payara)
tail -n +1 -f --pid="$payara" "$RUN_DIR/payara.log" &
pids+=($!)

# Up means the application answers: GET /health (open without a key, always 200 with JSON once
# deployed). Until post-deploy-commands.asadmin opens the listener the port refuses connections,
# so "refused" is "not up yet". A wildcard bind is reached on loopback; any other address only
# on itself.
case $HTTP_BIND_ADDRESS in
    0.0.0.0|::|'[::]') probe_host=127.0.0.1 ;;
    \[*) probe_host=$HTTP_BIND_ADDRESS ;;
    *:*) probe_host="[$HTTP_BIND_ADDRESS]" ;;
    *) probe_host=$HTTP_BIND_ADDRESS ;;
esac
base_url="http://$probe_host:$HTTP_PORT"
health=
health_answers() {
    local reply
    # The first call may wait for the SMTP check (connect and login timeouts of the mail session).
    reply=$(curl -sS --noproxy '*' --max-time 45 -w '\n%{http_code}' "$base_url/health" 2>/dev/null) || return 1
    health=${reply%$'\n'*}
    [[ ${reply##*$'\n'} == 200 && $health == '{'*'"status"'* ]]
}
# The log still tells failures HTTP cannot: a failed deployment may leave the port closed (or
# serving 404s), so waiting for /health alone would sit out the whole deadline.
fail_on_logged_failure() {
    if grep -q -E 'Exception while (deploying|loading) the app|Failed to deploy|deploy failed' "$RUN_DIR/payara.log"; then
        fail "the application failed to deploy; see $RUN_DIR/payara.log"
    fi
    # So does a failed boot command (a mail session without its password, say).
    if grep -q -E 'Boot Command .* failed' "$RUN_DIR/payara.log"; then
        fail "a server-config boot command failed; see $RUN_DIR/payara.log"
    fi
}
deadline=$((SECONDS + 240))
until health_answers; do
    kill -0 "$payara" 2>/dev/null || fail "Payara Micro exited during start-up; see $RUN_DIR/payara.log"
    fail_on_logged_failure
    ((SECONDS < deadline)) || fail "Email Engine did not answer $base_url/health within 240 s; see $RUN_DIR/payara.log"
    sleep 0.5
done
fail_on_logged_failure

if [[ $health == *'"degraded"'* ]]; then
    log "WARNING: GET /health says degraded (the SMTP server unreachable, say): curl $base_url/health"
fi
log "Email Engine is up: $base_url  (GET /health answered; data: $DATA_DIR)"
log "try: curl -X POST $base_url/email -H 'Content-Type: application/json' \\"
log "       -d '{\"to_email\": \"user@example.com\", \"subject\": \"Hello\", \"body\": \"Hi\"}'"
if [[ $embedded == yes ]]; then
    log "captured mail: curl http://127.0.0.1:$GREENMAIL_API_PORT/api/user/user@example.com/messages/"
fi
log "Ctrl+C stops everything."
wait "$payara"
