#!/usr/bin/env bash
# Make sure a PostgreSQL server is reachable for tendlc, then exit 0; or exit
# non-zero with one clear message saying what failed and what to do.
#
#   scripts/ensure-postgres.sh            # run it
#   . scripts/ensure-postgres.sh          # or source it (returns instead of exiting;
#                                         # the caller's shell options are untouched)
#
# Target: $DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/tendlc
# (the same default as api/src/config.rs).
#
# 1. Parse host/port/user/password/dbname from the URL (pure bash).
# 2. If a server already answers on HOST:PORT, go straight to step 5.
# 3. Only for a local host (127.x / localhost / ::1): start an installed but
#    stopped PostgreSQL (pg_ctlcluster --skip-systemctl-redirect, falling back
#    to `service postgresql start`), or install it with apt-get first
#    (sudo when not root). Wait up to 30 s for it to accept connections.
# 4. After starting/installing it, make the URL's credentials work (set the
#    role's password, creating the role as SUPERUSER CREATEDB if needed).
# 5. Create the target database if it does not exist (idempotent).
# 6. Print `postgres: ready at HOST:PORT (database NAME)` on stderr.
#
# The password is never printed. Quick (one pg_isready + one psql) when all is fine.

_tendlc_ensure_postgres() (
    set -euo pipefail
    { set +x; } 2>/dev/null # never trace: commands below carry the password

    local default_url='postgres://postgres:postgres@127.0.0.1:5432/tendlc'
    local url="${DATABASE_URL:-$default_url}"
    local wait_seconds=30

    say() { printf 'postgres: %s\n' "$*" >&2; }
    die() {
        printf 'postgres: ERROR: %s\n' "$1" >&2
        [[ $# -gt 1 ]] && printf 'postgres:   -> %s\n' "$2" >&2
        exit 1
    }
    have() { command -v "$1" >/dev/null 2>&1; }
    urldecode() { local s="${1//\\/\\\\}"; printf '%b' "${s//%/\\x}"; } # %XX only; '+' stays
    sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
    sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

    # ---- 1. parse the URL (pure bash: python3 may not exist) ---------------
    local rest scheme userinfo hostport user password host port dbname
    case "$url" in
        postgres://* | postgresql://*) ;;
        *) die "DATABASE_URL must start with postgres:// or postgresql:// (got scheme '${url%%://*}')" \
            "set DATABASE_URL like $default_url" ;;
    esac
    scheme="${url%%://*}"
    rest="${url#*://}"
    rest="${rest%%\?*}" # drop ?sslmode=... etc.
    rest="${rest%%#*}"
    if [[ "$rest" == */* ]]; then
        dbname="${rest#*/}"
        rest="${rest%%/*}"
    else
        dbname=""
    fi
    if [[ "$rest" == *@* ]]; then
        userinfo="${rest%@*}"
        hostport="${rest##*@}"
    else
        userinfo=""
        hostport="$rest"
    fi
    if [[ "$userinfo" == *:* ]]; then
        user="$(urldecode "${userinfo%%:*}")"
        password="$(urldecode "${userinfo#*:}")"
    else
        user="$(urldecode "$userinfo")"
        password=""
    fi
    if [[ "$hostport" == \[* ]]; then # [::1]:5432
        host="${hostport#\[}"
        host="${host%%\]*}"
        port="${hostport#*\]}"
        port="${port#:}"
    elif [[ "$hostport" == *:* ]]; then
        host="${hostport%:*}"
        port="${hostport##*:}"
    else
        host="$hostport"
        port=""
    fi
    host="${host:-127.0.0.1}"
    port="${port:-5432}"
    user="${user:-postgres}"
    dbname="$(urldecode "${dbname:-$user}")"
    [[ "$port" =~ ^[0-9]+$ ]] ||
        die "cannot parse the port in DATABASE_URL (got '$port')" \
            "use the form $scheme://USER:PASSWORD@HOST:PORT/DBNAME"

    local addr="$host:$port" # for messages
    [[ "$host" == *:* ]] && addr="[$host]:$port"

    local is_local=false
    case "$host" in
        localhost | 127.* | ::1) is_local=true ;;
    esac

    # ---- helpers -------------------------------------------------------------
    as_root() {
        if [[ $EUID -eq 0 ]]; then
            "$@"
        elif have sudo; then
            sudo "$@"
        else
            die "need root to run '$*' but not root and sudo is missing" \
                "re-run as root, or install/start PostgreSQL yourself"
        fi
    }

    answers() { # is something accepting connections on host:port?
        if have pg_isready; then
            pg_isready -q -h "$host" -p "$port" -t 2 >/dev/null 2>&1
        else
            # shellcheck disable=SC2016 # $1/$2 expand in the child bash
            timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
        fi
    }

    wait_ready() {
        local i
        for ((i = 0; i < wait_seconds * 2; i++)); do
            answers && return 0
            sleep 0.5
        done
        return 1
    }

    # psql with the URL's credentials (password via env, never on argv).
    url_psql() { # $1 = database, rest = psql args
        local db="$1"
        shift
        PGHOST="$host" PGPORT="$port" PGUSER="$user" PGPASSWORD="$password" \
            PGDATABASE="$db" PGCONNECT_TIMEOUT=5 PGAPPNAME=ensure-postgres \
            psql -X -w -q -v ON_ERROR_STOP=1 "$@"
    }

    # psql as the postgres OS user over the local socket (peer auth). SQL on stdin.
    superuser_psql() {
        local cmd=(psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres)
        (
            cd /
            unset PGHOST PGUSER PGPASSWORD PGDATABASE PGSERVICE
            if [[ $EUID -eq 0 ]] && have runuser; then
                runuser -u postgres -- "${cmd[@]}"
            elif [[ $EUID -eq 0 ]]; then
                su postgres -s /bin/sh -c "${cmd[*]}"
            else
                sudo -u postgres -- "${cmd[@]}"
            fi
        )
    }

    apt_install() { # package...
        have apt-get || die "PostgreSQL is needed but not installed, and this is not a Debian/Ubuntu system (no apt-get)" \
            "install PostgreSQL yourself, start it, and/or set DATABASE_URL (now $addr)"
        [[ $EUID -eq 0 ]] || have sudo ||
            die "need root to install $* (not root, no sudo)" "re-run as root, or install PostgreSQL yourself"
        local log
        log="$(mktemp /tmp/ensure-postgres-apt.XXXXXX)"
        say "installing $* with apt-get (log: $log) ..."
        if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update &&
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >"$log" 2>&1; then
            tail -n 15 "$log" >&2 || true
            die "apt-get install $* failed (see above / $log)" \
                "fix apt (network, sources, dpkg lock) and re-run, or install PostgreSQL manually"
        fi
        rm -f "$log"
    }

    installed_clusters() { # prints "VERSION NAME" lines
        local conf d
        for conf in /etc/postgresql/*/*/postgresql.conf; do
            [[ -e "$conf" ]] || continue
            d="${conf%/postgresql.conf}"
            printf '%s %s\n' "$(basename "$(dirname "$d")")" "$(basename "$d")"
        done
    }

    server_installed() {
        [[ -n "$(installed_clusters)" ]] && return 0
        compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
    }

    start_local_server() {
        local clusters ver name latest
        clusters="$(installed_clusters)"
        if [[ -z "$clusters" ]] && have pg_createcluster; then
            # Binaries but no cluster (e.g. create_main_cluster = false): make one.
            latest="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
            if [[ -n "$latest" ]]; then
                say "creating cluster $latest/main on port $port ..."
                as_root pg_createcluster -p "$port" "$latest" main >/dev/null 2>&1 ||
                    die "pg_createcluster $latest main failed" "run 'pg_createcluster $latest main' yourself and read its error"
                clusters="$(installed_clusters)"
            fi
        fi
        if [[ -n "$clusters" ]] && have pg_ctlcluster; then
            while read -r ver name; do
                say "starting PostgreSQL cluster $ver/$name ..."
                # exit 2 = already running; real failures show up in wait_ready.
                as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >/dev/null 2>&1 || true
            done <<<"$clusters"
            answers && return 0
            sleep 0.5
            answers && return 0
        fi
        if have service; then
            say "starting PostgreSQL with 'service postgresql start' ..."
            as_root service postgresql start >/dev/null 2>&1 || true
        elif have systemctl; then
            say "starting PostgreSQL with 'systemctl start postgresql' ..."
            as_root systemctl start postgresql >/dev/null 2>&1 || true
        fi
    }

    # ---- 2./3. reach (or start / install) the server -------------------------
    local started=false
    if ! answers; then
        if [[ "$is_local" != true ]]; then
            die "no PostgreSQL server answers at $addr (not a local host, so not starting one)" \
                "start that server, or point DATABASE_URL at a reachable one"
        fi
        if ! server_installed; then
            apt_install postgresql postgresql-client
        fi
        start_local_server
        started=true
        if ! wait_ready; then
            die "tried to start PostgreSQL, but nothing accepts connections at $addr after ${wait_seconds}s" \
                "run 'pg_lsclusters' (a cluster must be online on port $port) and read /var/log/postgresql/; the server must listen on $host (listen_addresses) - or fix DATABASE_URL"
        fi
    fi

    if ! have psql; then
        apt_install postgresql-client
        have psql || die "psql is still missing after installing postgresql-client" \
            "install the PostgreSQL client tools (psql) and re-run"
    fi

    # ---- 4. make the URL's credentials work (only for a server we started) ---
    local err
    if ! err="$(url_psql postgres -tAc 'SELECT 1' 2>&1 >/dev/null)"; then
        if [[ "$started" == true ]]; then
            say "setting up role '$user' to match DATABASE_URL ..."
            local role_lit pw_sql=""
            role_lit="$(sql_literal "$user")"
            [[ -n "$password" ]] && pw_sql=" PASSWORD $(sql_literal "$password")"
            # SQL goes on stdin so the password never appears in argv or output.
            if ! superuser_psql >/dev/null 2>&1 <<SQL; then
SELECT format('CREATE ROLE %I LOGIN SUPERUSER CREATEDB', $role_lit)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $role_lit) \gexec
ALTER ROLE $(sql_ident "$user") WITH LOGIN CREATEDB${pw_sql};
SQL
                die "could not set the password of role '$user' as the postgres OS user" \
                    "run: runuser -u postgres -- psql -p $port -c \"ALTER ROLE $user PASSWORD '<password from DATABASE_URL>'\""
            fi
        fi
        if ! err="$(url_psql postgres -tAc 'SELECT 1' 2>&1 >/dev/null)"; then
            err="$(printf '%s' "$err" | head -n 1)"
            die "cannot log in to $addr as '$user': ${err#psql: error: }" \
                "fix the credentials in DATABASE_URL, or as the postgres OS user run: psql -p $port -c \"ALTER ROLE $user PASSWORD '<password from DATABASE_URL>'\""
        fi
    fi

    # ---- 5. the target database ---------------------------------------------
    local db_lit exists
    db_lit="$(sql_literal "$dbname")"
    exists="$(url_psql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = $db_lit" 2>&1)" ||
        die "cannot query databases on $addr as '$user': $(printf '%s' "$exists" | head -n 1)" \
            "check DATABASE_URL and that the server is healthy"
    if [[ "$exists" != "1" ]]; then
        say "creating database '$dbname' ..."
        if ! err="$(url_psql postgres -c "CREATE DATABASE $(sql_ident "$dbname")" 2>&1)"; then
            # Another script may have created it concurrently; that is fine.
            exists="$(url_psql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = $db_lit" 2>/dev/null || true)"
            [[ "$exists" == "1" ]] ||
                die "could not create database '$dbname' as '$user': $(printf '%s' "$err" | head -n 1)" \
                    "give '$user' CREATEDB (ALTER ROLE $user CREATEDB) or create the database yourself"
        fi
    fi

    # ---- 6. done ---------------------------------------------------------------
    say "ready at $addr (database $dbname)"
)

if (return 0 2>/dev/null); then
    # Sourced: run in a subshell (the function body) and hand back its status.
    _tendlc_ensure_postgres
    return
fi
set -euo pipefail
_tendlc_ensure_postgres "$@"
