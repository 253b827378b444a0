# Developer and CI entry points.  `make test` is what CI runs (via .ci/run);
# extra pytest arguments: make test PYTEST_ARGS="-x -k award".

SHELL  := /bin/bash
PYTHON ?= python3.11
VENV   := .venv
PIP    := $(VENV)/bin/python -m pip --disable-pip-version-check

.PHONY: venv venv-dev run test bench vendor lint translations messages audit-deps ops ops-multi ops-faults

# Create the virtualenv only when it does not exist yet (order-only prerequisite
# below, so its timestamp never forces a re-install).
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the requirements file is newer than its stamp.
$(VENV)/.stamp-run: requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt (-r), so both feed this stamp.
$(VENV)/.stamp-dev: requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-dev.txt
	touch $@

# Measurement-only packages (SpiffWorkflow for the peer benchmark, pyinstrument for profiles): `make bench` only.
$(VENV)/.stamp-bench: requirements-bench.txt requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-bench.txt
	touch $@

# Fault-injection and load tooling (locust): `make ops-faults` only.
$(VENV)/.stamp-ops: requirements-ops.txt requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-ops.txt
	touch $@

venv: $(VENV)/.stamp-run

venv-dev: $(VENV)/.stamp-dev

# The English catalogue is compiled here (.mo files are build output); Vietnamese is the source language.
translations: venv
	$(VENV)/bin/pybabel compile -d web/translations

# Refresh the catalogue after changing user-facing text, then translate the new entries. workflow/ is read too: its
# messages to people are made with `msg` (workflow/core/messages.py) and translated by web/messages.py.
messages: venv
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k msg -k Transition:4 -o web/translations/messages.pot web workflow
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations

run: venv translations
	bash scripts/run.sh

test: venv-dev translations
	bash scripts/test.sh $(PYTEST_ARGS)

# Every measurement in benchmarks/ (JSON lines) on SQLite and a private throw-away PostgreSQL, never part of
# `make test`; the development venv (time-machine pins the story's day) and requirements-bench.txt come first.
# About 25 minutes.
bench: venv-dev $(VENV)/.stamp-bench
	bash scripts/bench.sh

# An operations script of scripts/ops/ against a private throw-away PostgreSQL (docs/operations/): JSON lines, bounded.
# make ops SCRIPT=multi_instance ARGS="--dossiers 4"
ops: venv-dev translations
	bash scripts/ops.sh $(SCRIPT) $(ARGS)

# Two app processes and two outbox workers on one PostgreSQL (docs/operations/scaling.md); one to two minutes.
ops-multi:
	$(MAKE) --no-print-directory ops SCRIPT=multi_instance

# kill -9 during transitions, database connections dropped under load, mail and webhook outage, 50 users for two
# minutes: each on a fresh private PostgreSQL database (`bash scripts/ops.sh NAME` runs scripts/ops/NAME.py with
# DATABASE_URL set), printing JSON lines; never part of `make test`. docs/operations/faults-and-load.md explains
# them. About 6 minutes. One failing script does not stop the rest; the exit status says whether any failed.
OPS_FAULTS := kill_during_transitions db_connection_drop mail_webhook_outage load
ops-faults: venv-dev translations $(VENV)/.stamp-ops
	@status=0; for name in $(OPS_FAULTS); do bash scripts/ops.sh $$name || status=1; done; exit $$status

vendor:
	bash scripts/vendor.sh

# Known vulnerabilities in the runtime packages (pip-audit in its own venv, requirements-audit.txt); JSON lines.
# Exit 1: a vulnerability; 3: not audited (no vulnerability service answers). CI runs it before `make test`.
audit-deps: venv
	bash scripts/audit_deps.sh

lint: venv-dev
	$(VENV)/bin/ruff check .
