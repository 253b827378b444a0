"""The request hooks behind the JSON logs (web/logging_setup.py) and the Prometheus counters (web/metrics.py).

Registered by the app factory before any other request hook (Flask-WTF's CSRF check included): the clock and the
request id start first, and the request is logged and counted last, after every other after_request hook, with the
status the client receives."""

from __future__ import annotations

import time

from flask import Flask, Response, g

from web import logging_setup, metrics


def register(app: Flask) -> None:
    logging_setup.configure(app)

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        logging_setup.current_request_id()

    @app.after_request
    def finish_request(response: Response) -> Response:
        # A hook that ran before ours and refused the request left no start: it then took no time worth counting.
        duration = time.perf_counter() - g.get("request_started", time.perf_counter())
        response.headers[logging_setup.REQUEST_ID_HEADER] = logging_setup.current_request_id()
        metrics.observe_request(response, duration)
        logging_setup.log_request(response, duration)
        return response
