#!/usr/bin/env bash
# make bench: every measurement in benchmarks/ on SQLite and on a private throw-away PostgreSQL 15 cluster, one
# after the other (never two at once: they would time each other). Each script prints JSON lines, the first
# describing the machine. One failing script does not stop the rest; the exit status says whether any failed.
# About 40 minutes on 2 cores, most of it building the province's history twice (pages.py, via history.py).
#
# Usage: make bench        (or: bash scripts/bench.sh)
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
unset TEST_DATABASE_URL DATABASE_URL

source scripts/require.sh
source scripts/private_pg.sh
start_private_postgres
PG=$(create_database bench) || exit 1

status=0
run() {  # run COMMAND...: print what runs, then its JSON lines
    echo "# $*"
    local rc=0
    "$@" || rc=$?
    if (( rc != 0 )); then status=1; echo "# FAILED (exit $rc): $*"; fi
}

# These measure SQLite, then PostgreSQL in the same run when TEST_DATABASE_URL names one (its schema is rebuilt).
run env TEST_DATABASE_URL="$PG" "$PY" benchmarks/transition.py
run env TEST_DATABASE_URL="$PG" "$PY" benchmarks/tally.py
run env TEST_DATABASE_URL="$PG" "$PY" benchmarks/audit_verify.py
# SQLite only: the peer runs on SQLite, and a spreadsheet is refused before any database is asked.
run "$PY" benchmarks/peer_spiffworkflow.py
run "$PY" benchmarks/xlsx_worst_case.py
# These measure one database per run.
for database in sqlite "$PG"; do
    if [[ $database == sqlite ]]; then url=(env -u TEST_DATABASE_URL); else url=(env TEST_DATABASE_URL="$database"); fi
    run "${url[@]}" "$PY" benchmarks/import_nominees.py
    # builds the history (benchmarks/history.py::build), then times every page on it
    run "${url[@]}" "$PY" benchmarks/pages.py
done
exit "$status"
