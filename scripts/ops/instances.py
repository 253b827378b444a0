"""What the operations scripts share: JSON-line output, child processes that are always stopped, a browser-like HTTP
client that keeps its own cookies, and local stand-ins for the mail server and a webhook receiver that record every
delivery by its idempotency key (e-mail: the Message-ID derived from it; webhook: the Idempotency-Key header)."""

from __future__ import annotations

import email
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
STOP_SECONDS = 15


def emit(**fields) -> None:
    """One JSON line on standard output, flushed at once so a reader sees progress as it happens."""
    print(json.dumps(fields, ensure_ascii=False, default=str), flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- child processes -----------------------------------------------------------------------------------------------


class Processes:
    """Children started in their own process group, each logging to its own file; `stop_all` ends every one (TERM
    to the child, which passes it on as gunicorn's master does; its whole group KILLed after STOP_SECONDS) and returns
    each one's exit status. Use it in a `finally`."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the child
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.children[name] = child
        return child

    def alive(self) -> dict[str, bool]:
        return {name: child.poll() is None for name, child in self.children.items()}

    def stop_all(self) -> dict[str, int]:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        exits = {}
        for name, child in self.children.items():
            try:
                exits[name] = child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                exits[name] = child.wait()
        return exits

    def tail(self, name: str, lines: int = 15) -> list[str]:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []


def run_flask(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    """A `flask --app wsgi` command to its end; its output, or RuntimeError with it when it fails."""
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def wait_for_http(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            time.sleep(0.2)
    return False


# --- a browser -----------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def csrf_token(self) -> str:
        match = CSRF_RE.search(self.text)
        if not match:
            raise RuntimeError(f"no CSRF token in the page (HTTP {self.status})")
        return match.group(1) or match.group(2)


class Browser:
    """Keeps cookies by name and sends them to whichever app it is pointed at (the same cookie on every instance,
    as one browser behind a load balancer would). Cookies are kept by hand: the production config marks them
    Secure, and these local instances speak plain HTTP. Redirects are returned, not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
        try:
            with _opener.open(request, timeout=30) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read())
            error.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None) -> Response:
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            return self.request(url, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


# --- delivery targets ----------------------------------------------------------------------------------------------


class Deliveries:
    """Every delivery received, by idempotency identifier, thread-safe (the SMTP sink and the webhook receiver
    each run in their own thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.received: Counter[str] = Counter()

    def record(self, identifier: str) -> None:
        with self._lock:
            self.received[identifier] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.received)


class _SmtpHandler:
    def __init__(self, deliveries: Deliveries):
        self.deliveries = deliveries

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.deliveries.record(f"email {message['Message-ID']}")
        return "250 OK"


class SmtpSink:
    """A local SMTP server that accepts every message and records its Message-ID."""

    def __init__(self, deliveries: Deliveries):
        self.port = free_port()  # aiosmtpd checks its port by connecting to it, so it cannot take port 0
        self.controller = Controller(_SmtpHandler(deliveries), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()


class WebhookReceiver:
    """A local HTTP server that answers 200 to every POST and records its Idempotency-Key header."""

    def __init__(self, deliveries: Deliveries):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                deliveries.record(f"webhook {self.headers.get('Idempotency-Key')}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
