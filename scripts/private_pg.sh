# Sourced by scripts/test.sh and scripts/bench.sh: a private, throw-away PostgreSQL 15 cluster for one run.
# `start_private_postgres` installs PostgreSQL 15 from Debian when missing (as root), initialises a cluster in a
# temporary folder, starts it on the first free port from FIRST_PORT (fsync off: nothing in it outlives the run) and
# stops and deletes it when the calling script exits. Then `create_database NAME` prints the database's URL.
# Needs scripts/require.sh sourced first and PY set.

PGBIN=/usr/lib/postgresql/15/bin
FIRST_PORT=${FIRST_PORT:-55432}
PORT_TRIES=20

# Run a PostgreSQL binary as the cluster owner (postgres when we are root, else ourselves).
as_pg() {
    if is_root; then
        (cd "$PGTMP" && runuser -u postgres -- "$@")
    else
        (cd "$PGTMP" && "$@")
    fi
}

require_postgres() {
    [[ -x $PGBIN/initdb ]] && return 0
    require "PostgreSQL 15" "$PGBIN/initdb" postgresql-15
    # Debian's package creates and may start a default cluster; we use our own, so stop it.
    if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters -h 2>/dev/null | while read -r ver name _port status _rest; do
            if [[ $status == online* ]]; then pg_ctlcluster "$ver" "$name" stop || true; fi
        done
    fi
}

stop_private_postgres() {
    local rc=$?
    trap - EXIT INT TERM
    # A run still going (interrupted) must not outlive its database.
    jobs -p | xargs -r kill 2>/dev/null || true
    if [[ -f $PGTMP/data/postmaster.pid ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 ||
            as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 ||
            echo "${0##*/}: could not stop PostgreSQL in $PGTMP/data" >&2
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}

port_free() {
    "$PY" - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

start_private_postgres() {  # sets PGTMP and PGPORT
    require_postgres
    PGTMP=$(mktemp -d /tmp/ci-pg.XXXXXX)
    if is_root; then chown postgres: "$PGTMP"; fi
    trap stop_private_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if ! as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
            >"$PGTMP/initdb.log" 2>&1; then
        cat "$PGTMP/initdb.log" >&2
        echo "${0##*/}: initdb failed" >&2
        exit 1
    fi
    PGPORT=
    local port=$FIRST_PORT i
    for (( i = 0; i < PORT_TRIES; i++, port++ )); do
        port_free "$port" || continue
        if as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 60 \
                -o "-p $port -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
            PGPORT=$port
            break
        fi
        # lost a race for the port, or something else: the log tells
        tail -n 5 "$PGTMP/log" >&2 || true
    done
    if [[ -z $PGPORT ]]; then
        echo "${0##*/}: could not start PostgreSQL on any port in $FIRST_PORT..$((port - 1))" >&2
        exit 1
    fi
    echo "${0##*/}: private PostgreSQL 15 on 127.0.0.1:$PGPORT (data in $PGTMP)"
}

create_database() {  # create_database NAME: prints its URL
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$1"
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/$1"
}
