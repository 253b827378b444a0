"""50 simulated users for two minutes against gunicorn on the seeded demo: how many requests, which answers, how
fast each kind of request was (p50/p95/p99), and whether any request ended in a server error.

The users are locust's (scripts/ops/locustfile.py, headless): four in five read (their home page, the dossier list,
a dossier from it, the registry search) through the login form; one in five walks dossiers of the successor commune
through the API (create, nominee, documents, submit, approve, accept, return). gunicorn runs as the README's
production line does (2 workers × 4 threads). Prints one JSON line per kind of request and a summary; exits 1 when
any answer was a 5xx or a connection failed.

Usage: .venv/bin/python scripts/ops/load.py [--users 50] [--seconds 120] [--spawn-rate 10]
Needs locust (requirements-ops.txt). Database: DATABASE_URL (PostgreSQL), else a SQLite file in a temporary folder."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit import BIN, ROOT, Gunicorn, Site, emit, workdir

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (4 threads each)")
    args = parser.parse_args()

    with workdir("ops-load-") as folder:
        site = Site(folder)
        emit(script="load", database=site.database, users=args.users, seconds=args.seconds,
             gunicorn=f"{args.workers} workers × 4 threads", seed_s=round(site.seed(), 1))  # fmt: skip
        server = Gunicorn(site, workers=args.workers)
        report_path = folder / "report.json"
        try:
            server.start()
            run = subprocess.run(
                [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s",
                 "--stop-timeout", "10", "--host", server.base, "--loglevel", "WARNING"],
                cwd=ROOT, env={**site.env, "LOAD_REPORT": str(report_path)}, capture_output=True, text=True,
                timeout=args.seconds + 120,
            )  # fmt: skip
        finally:
            server.stop()
        if not report_path.exists():
            emit(summary="load", passed=False, error="locust wrote no report", exit=run.returncode,
                 stderr=run.stderr[-2000:])  # fmt: skip
            return 1
        report = json.loads(report_path.read_text(encoding="utf-8"))
        for kind, figures in report.pop("kinds").items():
            emit(kind=kind, **figures)
        server_errors = {s: n for s, n in report["by_status"].items() if not s.isdigit() or int(s) >= 500}
        passed = report["requests"] > 0 and not server_errors
        emit(summary="load", database=site.database, passed=passed, users=args.users, seconds=args.seconds,
             server_errors=server_errors, logged_500s=server.server_errors(), **report)  # fmt: skip
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
