"""Files built for the reader (reports, the board) sent as downloads: never cached, never sniffed."""

from __future__ import annotations

import io

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_download(content: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_download(content: bytes, name: str):
    return file_download(content, XLSX, name)
