#!/usr/bin/env bash
# Run the whole test suite twice: on SQLite, then on a private throw-away PostgreSQL 15
# cluster.  Nothing is skipped: Chromium (browser tests), PostgreSQL, the documents' font and
# poppler (PDF tests) are required and, as root, installed from Debian when missing
# (scripts/require.sh).  Both runs always execute; the script fails if either fails
# (pytest's exit code 5, "no tests collected", is a failure too).
#
# Usage: make test                      (or: bash scripts/test.sh [pytest args...])
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN=/usr/lib/postgresql/15/bin
CHROMIUM=/usr/bin/chromium
PY=.venv/bin/python
FIRST_PORT=55432
PORT_TRIES=20
# pytest-xdist workers per database (each PostgreSQL worker gets its own database beside app_test).
WORKERS=${TEST_WORKERS:-2}

unset TEST_DATABASE_URL

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf '%d.%01d s' $(( $1 / 1000 )) $(( ($1 % 1000) / 100 )); }

if [[ ! -x $PY ]]; then
    echo "test.sh: $PY not found; run 'make venv-dev' first." >&2
    exit 1
fi

# --- prerequisites: Chromium, PostgreSQL 15, the documents' font, poppler -------------------

source scripts/require.sh

require Chromium "$CHROMIUM" chromium
require_document_fonts
# The PDF tests read the documents back as text and as images.
require pdftotext /usr/bin/pdftotext poppler-utils
require pdftoppm /usr/bin/pdftoppm poppler-utils

if [[ ! -x $PGBIN/initdb ]]; then
    require "PostgreSQL 15" "$PGBIN/initdb" postgresql-15
    # Debian's package creates and may start a default cluster; we use our own, so stop it.
    if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters -h 2>/dev/null | while read -r ver name _port status _rest; do
            if [[ $status == online* ]]; then pg_ctlcluster "$ver" "$name" stop || true; fi
        done
    fi
fi

# --- compiled once, read by every worker --------------------------------------------------
# Each pytest process imports the app and the ~110 test modules; pytest rewrites every test module's asserts first
# (about 8 s of CPU per process when nothing is cached). One collection here, while PostgreSQL starts, leaves the
# compiled and rewritten modules in __pycache__ (git-ignored) for the four workers that follow, even when the
# environment says PYTHONDONTWRITEBYTECODE: a cached file is still read then, only never written.
wall0=$(now_ms)
env -u PYTHONDONTWRITEBYTECODE "$PY" -m pytest -p no:cacheprovider -q --collect-only tests >/dev/null 2>&1 &
PREWARM_PID=$!

# --- a private, throw-away PostgreSQL cluster ---------------------------------------------

PGTMP=$(mktemp -d /tmp/ci-pg.XXXXXX)
if is_root; then chown postgres: "$PGTMP"; fi

# Run a PostgreSQL binary as the cluster owner (postgres when we are root, else ourselves).
as_pg() {
    if is_root; then
        (cd "$PGTMP" && runuser -u postgres -- "$@")
    else
        (cd "$PGTMP" && "$@")
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    # A run still going (interrupted) must not outlive its database.
    jobs -p | xargs -r kill 2>/dev/null || true
    if [[ -f $PGTMP/data/postmaster.pid ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 ||
            as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 ||
            echo "test.sh: could not stop PostgreSQL in $PGTMP/data" >&2
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

if ! as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$PGTMP/initdb.log" 2>&1; then
    cat "$PGTMP/initdb.log" >&2
    echo "test.sh: initdb failed" >&2
    exit 1
fi

PGPORT=
port=$FIRST_PORT
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
    echo "test.sh: could not start PostgreSQL on any port in $FIRST_PORT..$((port - 1))" >&2
    exit 1
fi
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres app_test
PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/app_test"
echo "test.sh: private PostgreSQL 15 on 127.0.0.1:$PGPORT (data in $PGTMP)"

# --- the suite, twice -----------------------------------------------------------------------

declare -a LABELS=() RCS=() TIMES=()

# The two databases run side by side, each spread over WORKERS pytest-xdist processes (whole files per worker:
# module fixtures stay shared); each run's output is printed whole when both are done.
start_suite() {  # start_suite LABEL COMMAND...  (sets STARTED_PID)
    local label=$1; shift
    ( t0=$(now_ms); rc=0; "$@" >"$PGTMP/$label.log" 2>&1 || rc=$?
      echo "$rc $(( $(now_ms) - t0 ))" >"$PGTMP/$label.result" ) &
    STARTED_PID=$!
}

finish_suite() {  # finish_suite LABEL PID
    local label=$1 pid=$2 rc ms
    wait "$pid" || true
    read -r rc ms <"$PGTMP/$label.result"
    echo
    echo "=== $label ==="
    cat "$PGTMP/$label.log"
    LABELS+=("$label"); RCS+=("$rc"); TIMES+=("$ms")
    echo "=== $label: exit $rc, $(secs "$ms") ==="
}

# Whole files go to a worker in the order tests/conftest.py::pytest_collection_modifyitems gives (the slowest first,
# so no long file is left running alone at the end); xdist's own reorder, by number of tests, would undo that.
DIST=(--dist loadfile --no-loadscope-reorder)
wait "$PREWARM_PID" || true
start_suite SQLite env -u TEST_DATABASE_URL "$PY" -m pytest -p no:cacheprovider -n "$WORKERS" "${DIST[@]}" "$@"
sqlite_pid=$STARTED_PID
start_suite PostgreSQL env TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider -n "$WORKERS" "${DIST[@]}" \
    "$@"
pg_pid=$STARTED_PID
finish_suite SQLite "$sqlite_pid"
finish_suite PostgreSQL "$pg_pid"

echo
echo "=== Summary ==="
failed=0
for i in "${!LABELS[@]}"; do
    rc=${RCS[i]}
    case $rc in
        0) verdict="passed" ;;
        5) verdict="FAILED (exit 5: no tests collected)"; failed=1 ;;
        *) verdict="FAILED (exit $rc)"; failed=1 ;;
    esac
    printf '%-11s %-40s %s\n' "${LABELS[i]}" "$verdict" "$(secs "${TIMES[i]}")"
done
printf '%-11s %-40s %s\n' "Wall" "(compiling, then both at once)" "$(secs $(( $(now_ms) - wall0 )))"
exit "$failed"
