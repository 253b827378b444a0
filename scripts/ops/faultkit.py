"""What the fault-injection and load scripts share: a seeded database, the app under gunicorn in its own process
group (so kill -9 takes the master and its workers at once), an API client with the demo users' bearer tokens,
dossiers made ready to submit, and JSON lines on stdout.

The database is DATABASE_URL (a fresh PostgreSQL database; `bash scripts/ops.sh NAME` provides one), or, when it
is unset, a SQLite file in the script's temporary folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
PASSWORD = "demo"
# A minimal real PDF: uploads are recognised by their content.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# The successor commune's people (workflow/demo/seed.py): their authority is in office on any day after mid-2025,
# so their dossiers can be submitted on the machine's real date.
OFFICER, HEAD, OFFICE = "canbo.vhxh", "truong.vhxh", "vanphong.xa"


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False, default=str), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """A database with the demo seeded, the environment the app's processes run with, and a folder for logs."""

    def __init__(self, workdir: Path, **settings: str):
        self.workdir = workdir
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'app.db'}"
        self.database = "postgresql" if url.startswith("postgresql") else "sqlite"
        self.env = {
            **os.environ,
            "APP_ENV": "development",
            "FLASK_DEBUG": "0",
            "DATABASE_URL": url,
            "UPLOAD_DIR": str(workdir / "uploads"),
            "AUDIT_CHECKPOINT_FILE": str(workdir / "audit-checkpoints.jsonl"),
            # Deliveries are the worker's job here, as in production; the demo's e-mails go nowhere.
            "OUTBOX_FLUSH_AFTER_COMMIT": "0",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(free_port()),
            **settings,
        }

    def flask(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def seed(self) -> float:
        """Migrate and seed the demo; returns the seconds it took."""
        started = time.monotonic()
        self.flask("db", "upgrade")
        self.flask("seed-demo")
        return time.monotonic() - started

    @contextmanager
    def app_context(self):
        """The app in this process, on the same database, for checks that read the tables directly."""
        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            from web import create_app

            app = create_app()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        with app.app_context():
            from models import db

            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


@contextmanager
def workdir(prefix: str):
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


class Gunicorn:
    """The app under gunicorn, started in a new session: its process group is the master and every worker."""

    def __init__(self, site: Site, workers: int = 2, threads: int = 4, log_name: str = "gunicorn.log"):
        self.site, self.workers, self.threads = site, workers, threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = site.workdir / log_name
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads", str(self.threads),
                 "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
                 # Longer than any simulated user's pause: else a kept-alive connection may be closed by the
                 # server just as the client reuses it (a reset no real browser behind nginx would meet).
                 "--keep-alive", "10", "wsgi:app"],
                cwd=ROOT, env=self.site.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                if requests.get(f"{self.base}/login", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:g} s; see {self.log}")

    def kill9(self) -> None:
        """SIGKILL to the master and its workers at once: nothing gets to finish or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill9()

    def server_errors(self) -> int:
        """Requests that ended in a 500: web/errors.py logs each as "unhandled error on METHOD PATH"."""
        return self.log.read_text(errors="replace").count("unhandled error on") if self.log.exists() else 0

    def log_tail(self, lines: int = 60) -> list[str]:
        """The end of gunicorn's log (the app's own log lines included), for a failed run's report."""
        return self.log.read_text(errors="replace").splitlines()[-lines:] if self.log.exists() else []


class Api:
    """The JSON API as the demo users, with a bearer token each (taken once)."""

    def __init__(self, base: str, timeout: float = 30):
        self.base, self.timeout = base, timeout
        self.tokens: dict[str, str] = {}
        self.http = requests.Session()

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            answer = self.http.post(
                f"{self.base}/api/v1/auth/tokens",
                json={"username": username, "password": PASSWORD},
                timeout=self.timeout,
            )
            answer.raise_for_status()
            self.tokens[username] = answer.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def sharing_tokens(self) -> Api:
        """Another client (its own connections) with this one's tokens, taken now for the three commune people:
        the app keeps only a user's five newest tokens alive, so clients must not each take their own."""
        for username in (OFFICER, HEAD, OFFICE):
            self.headers(username)
        other = Api(self.base, self.timeout)
        other.tokens = dict(self.tokens)
        return other

    def call(self, method: str, username: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(
            method, f"{self.base}/api/v1{path}", headers=self.headers(username), timeout=self.timeout, **kwargs
        )

    def ok(self, method: str, username: str, path: str, **kwargs) -> dict:
        answer = self.call(method, username, path, **kwargs)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path} as {username}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def fire(self, username: str, dossier_id: int, trigger: str, version: int, **data) -> requests.Response:
        body = {"trigger": trigger, "version": version, "data": data}
        return self.call("POST", username, f"/dossiers/{dossier_id}/transitions", json=body)


def ready_dossier(api: Api, label: str, officer: str = OFFICER) -> dict:
    """A dossier of the officer's unit with one nominee and every document its checklist asks for: ready to be
    submitted to the unit head. Returns the dossier as the API shows it."""
    year = time.localtime().tm_year - 1
    title = f"Đề nghị khen thưởng {label}"
    dossier = api.ok("POST", officer, "/dossiers", json={"procedure": "regular", "year": year, "title": title})
    nominee = {
        "kind": "person",
        "full_name": f"Nguyễn Văn {label}",
        "title_code": "LDTT",
        "date_of_birth": "1985-03-12",
        "position": "Chuyên viên",
        "annual_rating": "good",
        "months_of_service": 12,
    }
    api.ok("POST", officer, f"/dossiers/{dossier['id']}/nominations", json=nominee)
    for item in api.ok("GET", officer, f"/dossiers/{dossier['id']}")["checklist"]:
        if item["satisfied"]:
            continue
        form = {"kind": item["kind"]}
        if item["nomination_id"]:
            form["nomination_id"] = str(item["nomination_id"])
        files = {"file": (f"{item['kind']}.pdf", PDF + label.encode() + b"\n", "application/pdf")}
        api.ok("POST", officer, f"/dossiers/{dossier['id']}/documents", data=form, files=files)
    return api.ok("GET", officer, f"/dossiers/{dossier['id']}")
