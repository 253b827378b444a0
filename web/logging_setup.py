"""Structured logs: one JSON object per line on stderr for every request and every error, each line carrying the
request's id, so an operator finds everything one request wrote by grepping one value (docs/operations/monitoring.md).

The id is the client's (or nginx's) `X-Request-ID` when it is short and made of safe characters, else a fresh one;
it is echoed in the response's `X-Request-ID`. The formatter is our own, on the standard `logging`: twenty lines
that write exactly the documented fields, one dependency fewer to audit than python-json-logger."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import IO

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HANDLER_NAME = "json-stderr"

request_log = logging.getLogger("web.requests")

# What every LogRecord carries; anything else on a record was passed in `extra` and becomes a field of its own.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, request_id during a request, the record's extra fields, and
    the traceback of an error; one line, ASCII only (json escapes the rest), whatever the message holds."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := current_request_id():
            entry["request_id"] = request_id
        entry.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def install_json_handler(stream: IO[str] | None = None, level: str = "INFO") -> logging.Handler:
    """Send every logger's records to `stream` (stderr) as JSON lines, replacing a handler an earlier call put there."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    # WeasyPrint narrates every step of every PDF at INFO; its warnings (a missing font) still come through.
    logging.getLogger("weasyprint").setLevel(max(logging.WARNING, root.level))
    return handler


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def configure(app: Flask) -> None:
    """LOG_FORMAT=json: JSON lines on stderr for every logger, Flask's own text handler removed."""
    if app.config["LOG_FORMAT"] == "json":
        install_json_handler(level=app.config["LOG_LEVEL"])
        app.logger.removeHandler(default_handler)


def log_request(response: Response, duration_seconds: float) -> None:
    """The request's line: what was asked, the answer, how long it took, by whom and from where."""
    request_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration_seconds * 1000, 1),
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        },
    )


def _user_id() -> int | None:
    """The signed-in user or the API token's, only if the request already loaded it (no query of its own)."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return user.id
    token = g.get("api_token")
    return token.user_id if token is not None else None
