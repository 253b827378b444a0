#!/usr/bin/env bash
# Run one operations script of scripts/ops/ against a private, throw-away PostgreSQL 15 cluster (scripts/private_pg.sh):
# the cluster is started, a database named after the script is created, the script runs with DATABASE_URL set to it
# (PGPORT names the cluster's port, PGBIN its binaries), and the cluster is stopped and deleted when the script ends,
# however it ends. The script's JSON lines go to standard output; this wrapper's own messages to standard error.
# The exit status is the script's.
#
# Usage: bash scripts/ops.sh NAME [ARGS...]     e.g. bash scripts/ops.sh multi_instance --dossiers 4
#        make ops SCRIPT=NAME ARGS="..."        (make ops-multi runs multi_instance)
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
name=${1:-}
if [[ -z $name || ! -f scripts/ops/$name.py || $name == instances ]]; then
    echo "usage: bash scripts/ops.sh NAME [ARGS...], NAME one of:" \
         $(ls scripts/ops | sed -n 's/\.py$//p' | grep -vx -e __init__ -e instances) >&2
    exit 2
fi
shift
if [[ ! -x $PY ]]; then
    echo "ops.sh: $PY not found; run 'make venv-dev' first." >&2
    exit 1
fi
unset TEST_DATABASE_URL DATABASE_URL

source scripts/require.sh
source scripts/private_pg.sh
require_document_fonts >&2   # the demo's documents are set in it
start_private_postgres >&2
url=$(create_database "ops_$name") || exit 1

DATABASE_URL=$url PGPORT=$PGPORT PGBIN=$PGBIN "$PY" -m "scripts.ops.$name" "$@"
exit $?
