#!/usr/bin/env bash
# Dependency audit: pip-audit (requirements-audit.txt, in its own venv .venv-audit) over the packages production
# runs: requirements.txt's pins and what they pull in, at the versions installed in .venv (`make venv`).
# Prints JSON lines (scripts/audit_deps.py). Bounded: 5 minutes for pip-audit, 10 s per service probe.
#
# Exit status:
#   0  audited, no known vulnerability (advisories listed in deploy/pip-audit-ignore.txt excepted)
#   1  a known vulnerability in a runtime package: each is printed with the versions that fix it
#   3  NOT audited: pip-audit could not be installed, or no vulnerability service answers from this machine
# OSV_URL=<query URL> uses an OSV mirror instead of OSV itself (the PyPI service is tried first either way).
# Usage: make audit-deps        (or: bash scripts/audit_deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
RUNTIME_PY=.venv/bin/python
AUDIT_VENV=.venv-audit
NOT_AUDITED=3

not_audited() {
    printf '{"check": "dependency-audit", "status": "not audited", "reason": "%s"}\n' "$1"
    exit "$NOT_AUDITED"
}

if [[ ! -x $RUNTIME_PY ]]; then
    echo "audit_deps.sh: $RUNTIME_PY not found; run 'make venv' first." >&2
    exit 2
fi

# The audit venv is rebuilt only when requirements-audit.txt is newer than its stamp.
if [[ ! -f $AUDIT_VENV/.stamp || requirements-audit.txt -nt $AUDIT_VENV/.stamp ]]; then
    "$PYTHON" -m venv "$AUDIT_VENV"
    if ! "$AUDIT_VENV/bin/python" -m pip --disable-pip-version-check install -q -r requirements-audit.txt \
            >"$AUDIT_VENV/install.log" 2>&1; then
        tail -5 "$AUDIT_VENV/install.log" >&2
        not_audited "pip-audit could not be installed (see $AUDIT_VENV/install.log)"
    fi
    touch "$AUDIT_VENV/.stamp"
fi

SITE=$("$RUNTIME_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
exec "$AUDIT_VENV/bin/python" scripts/audit_deps.py --site "$SITE" --requirements requirements.txt \
    --ignore-file deploy/pip-audit-ignore.txt --pip-audit "$AUDIT_VENV/bin/pip-audit" ${OSV_URL:+--osv-url "$OSV_URL"}
