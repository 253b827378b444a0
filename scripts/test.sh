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

CHROMIUM=/usr/bin/chromium
PY=.venv/bin/python
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
source scripts/private_pg.sh

require Chromium "$CHROMIUM" chromium
require_document_fonts
# The PDF tests read the documents back as text and as images.
require pdftotext /usr/bin/pdftotext poppler-utils
require pdftoppm /usr/bin/pdftoppm poppler-utils

require_postgres

# --- compiled once, read by every worker --------------------------------------------------
# Each pytest process imports the app and the ~110 test modules; pytest rewrites every test module's asserts first
# (about 8 s of CPU per process when nothing is cached). One collection here, while PostgreSQL starts, leaves the
# compiled and rewritten modules in __pycache__ (git-ignored) for the four workers that follow, even when the
# environment says PYTHONDONTWRITEBYTECODE: a cached file is still read then, only never written.
wall0=$(now_ms)
env -u PYTHONDONTWRITEBYTECODE "$PY" -m pytest -p no:cacheprovider -q --collect-only tests >/dev/null 2>&1 &
PREWARM_PID=$!

# --- a private, throw-away PostgreSQL cluster ---------------------------------------------

start_private_postgres
PG_URL=$(create_database app_test)

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
