#!/usr/bin/env bash
# Start the app locally on the embedded SQLite database (instance/), with demo data.
# Usage: make run        (or: bash scripts/run.sh; PORT=8000 bash scripts/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

FLASK=.venv/bin/flask
if [[ ! -x $FLASK ]]; then
    echo "run.sh: $FLASK not found; run 'make venv' first." >&2
    exit 1
fi

source scripts/require.sh
require_document_fonts   # the PDF documents are set in it

mkdir -p instance
"$FLASK" --app wsgi db upgrade
"$FLASK" --app wsgi seed-demo     # idempotent: safe on every start
# The seeded events become in-app notifications (the bell) now rather than when a worker runs; the limit covers
# every event and e-mail the demo writes.
"$FLASK" --app wsgi outbox run --once --limit 1000 2>/dev/null
if [[ -z ${MAIL_SERVER:-} ]]; then
    echo "No mail server in the demo (MAIL_SERVER unset): the e-mails above stay queued and are retried, then listed" \
         "at /admin/outbox/dead; every user reads the same messages under the bell at the top of each page."
fi

PORT=${PORT:-5000}
echo
"$FLASK" --app wsgi demo-logins
echo
echo "Open http://127.0.0.1:${PORT}/"

exec "$FLASK" --app wsgi run --host 127.0.0.1 --port "$PORT"
