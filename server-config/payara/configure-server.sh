#!/usr/bin/env bash
# Payara Server: creates Email Engine's resources in a running domain, from the same environment
# variables as run.sh (docs/deploy.md, "Deploy on Payara Server"):
#   server-config/payara/configure-server.sh [asadmin options, e.g. --port 4848]
# then restart the domain and deploy target/email-engine.war. Needs asadmin on PATH or PAYARA_HOME.
#
# Payara Micro expands ${ENV=NAME:default} in its command files itself; asadmin does not, so this
# script does it here, once per domain: the values land in domain.xml, where the admin console
# shows them and changes them later (Resources > JavaMail Sessions > mail/emailengine, JDBC >
# JDBC Connection Pools > emailengine-pool). PASSWORD and DB_PASSWORD are the exception: each is
# stored as a password alias, never in domain.xml. The PostgreSQL driver (POSTGRESQL_JAR, by default
# target/postgresql.jar, which mvn package writes) goes into the domain's lib/ with add-library.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
asadmin="${PAYARA_HOME:+$PAYARA_HOME/bin/}asadmin"
command -v "$asadmin" >/dev/null || { echo "configure-server.sh: asadmin not found; set PAYARA_HOME" >&2; exit 1; }

# Every ${ENV=NAME} or ${ENV=NAME:default} replaced by the variable's value (or the default).
expand() {
    local line name
    while IFS= read -r line || [[ -n $line ]]; do
        while [[ $line =~ \$\{ENV=([A-Za-z_][A-Za-z0-9_]*)(:([^}]*))?\} ]]; do
            name=${BASH_REMATCH[1]}
            line=${line/"${BASH_REMATCH[0]}"/${!name-${BASH_REMATCH[3]}}}
        done
        printf '%s\n' "$line"
    done <"$1"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The driver, where the application sees it too (the common class loader): the queue store unwraps
# a pooled connection to org.postgresql.PGConnection for LISTEN/NOTIFY. Takes effect on restart.
driver="${POSTGRESQL_JAR:-$here/../../target/postgresql.jar}"
[[ -f $driver ]] || { echo "configure-server.sh: $driver is missing; run mvn package or set POSTGRESQL_JAR" >&2; exit 1; }
if ! "$asadmin" "$@" list-libraries | grep -qx "$(basename "$driver")"; then
    "$asadmin" "$@" add-library "$driver"
fi

# Passwords go through aliases; the post-boot file's lines that keep them as ${ENV=...} references
# (Micro only) are left out. asadmin multimode reads a backslash as an escape (Micro's command file
# reader does not): doubled here.
{ expand "$here/domain-commands.asadmin"; expand "$here/post-boot-commands.asadmin" | grep -v -F '${ENV=:$}'; } \
    | sed 's/\\/\\\\/g' >"$work/commands.asadmin"
"$asadmin" "$@" multimode --file "$work/commands.asadmin"

if [[ -n ${PASSWORD:-} ]]; then
    printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "$PASSWORD" >"$work/alias"
    "$asadmin" "$@" delete-password-alias emailengine-smtp-password >/dev/null 2>&1 || true
    "$asadmin" "$@" --passwordfile "$work/alias" create-password-alias emailengine-smtp-password
    "$asadmin" "$@" set 'resources.mail-resource.mail/emailengine.property.mail\.smtp\.password=${ALIAS=emailengine-smtp-password}'
fi
if [[ -n ${DB_PASSWORD:-} ]]; then
    printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "$DB_PASSWORD" >"$work/db-alias"
    "$asadmin" "$@" delete-password-alias emailengine-db-password >/dev/null 2>&1 || true
    "$asadmin" "$@" --passwordfile "$work/db-alias" create-password-alias emailengine-db-password
    "$asadmin" "$@" set 'resources.jdbc-connection-pool.emailengine-pool.property.password=${ALIAS=emailengine-db-password}'
fi
echo "configure-server.sh: done; restart the domain (asadmin stop-domain, start-domain) for the listener settings and the driver to apply"
