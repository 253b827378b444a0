"""One policy for every value that comes from outside: query parameters, form fields, path parts and JSON bodies.

Integers are ASCII digits within the range their column can hold (Python's int() also reads "١٢٣", and SQLite
overflows past 2**63); no text carries a NUL (PostgreSQL refuses it); no text is longer than any field we keep;
JSON is bounded in size, depth and number length before it is parsed. A value that breaks the policy is answered
with a 422 naming the field, never with a 500."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request

from workflow.core.errors import InvalidInput
from workflow.core.messages import msg

MAX_ID = 2147483647
MAX_BIGINT = 2**63 - 1
MAX_QUERY_TEXT = 2000
MAX_FORM_TEXT = 100_000
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
# Python refuses to read integers past 4,300 digits (with a ValueError no parser answers); fields refuse anything
# past 64 bits themselves, naming the field (web/api/schemas.py Integer).
MAX_JSON_DIGITS = 4000

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
_STRING_LITERAL = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[^\[\]{}]")
NUL_MESSAGE = msg("Không được chứa ký tự NUL.")


def is_whole_number(text: str) -> bool:
    """ASCII digits, an optional sign, at most 18 digits."""
    return bool(_INTEGER.fullmatch(text))


def parse_int(raw: str, field: str, low: int, high: int) -> int:
    """A whole number written in ASCII digits within [low, high]. Raises InvalidInput naming the field."""
    text = raw.strip()
    if is_whole_number(text):
        number = int(text)
        if low <= number <= high:
            return number
    raise InvalidInput({field: [msg("Phải là số nguyên từ %(low)s đến %(high)s.", low=low, high=high)]})


def int_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    """A query parameter as a bounded integer; absent or empty gives the default."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return default
    return parse_int(raw, name, low, high)


def text_arg(name: str, limit: int) -> str | None:
    """A query parameter as trimmed text of at most `limit` characters; empty gives None."""
    value = (request.args.get(name) or "").strip()
    if len(value) > limit:
        raise InvalidInput({name: [msg("Tối đa %(limit)s ký tự.", limit=limit)]})
    return value or None


def query_args(*, ints: dict[str, tuple[int, int]] | None = None, texts: dict[str, int] | None = None) -> dict:
    """Several query parameters at once ({name: (low, high)} integers, {name: limit} texts), every bad one
    reported together. Raises InvalidInput."""
    values, errors = {}, {}
    readers = [(name, lambda n=name, b=bounds: int_arg(n, *b)) for name, bounds in (ints or {}).items()]
    readers += [(name, lambda n=name, limit=limit: text_arg(n, limit)) for name, limit in (texts or {}).items()]
    for name, read in readers:
        try:
            values[name] = read()
        except InvalidInput as invalid:
            errors.update(invalid.errors)
    if errors:
        raise InvalidInput(errors)
    return values


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_JSON_DIGITS:
        raise ValueError(f"Nội dung JSON có số quá {MAX_JSON_DIGITS} chữ số.")
    return int(literal)


def loads_bounded(data: bytes | str) -> Any:
    """json.loads with limits: at most MAX_JSON_BYTES, MAX_JSON_DEPTH levels of nesting (deeper input would exhaust
    the parser's recursion) and MAX_JSON_DIGITS digits per integer. Raises json.JSONDecodeError for all of them,
    which every caller already answers as a bad body."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_JSON_BYTES:
        raise json.JSONDecodeError(f"Nội dung JSON vượt quá {MAX_JSON_BYTES // 1024} KB.", "<body>", 0)
    depth = deepest = 0
    for bracket in _BRACKETS.sub(b"", _STRING_LITERAL.sub(b'""', raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        raise json.JSONDecodeError(f"Nội dung JSON lồng quá {MAX_JSON_DEPTH} cấp.", "<body>", 0)
    try:
        return json.loads(raw.decode("utf-8"), parse_int=_bounded_int)
    except UnicodeDecodeError as error:
        raise json.JSONDecodeError("Nội dung không phải UTF-8.", "<body>", error.start) from None
    except (ValueError, RecursionError) as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(error) or "Nội dung JSON không hợp lệ.", "<body>", 0) from None


def check_request() -> None:
    """Refuse, before any view runs, a request whose path, query or form breaks the policy. JSON bodies are read by
    the API's parser through loads_bounded, and its text fields refuse NUL field by field (web/api/schemas.py),
    so a client gets every field error of a body at once."""
    errors: dict[str, list[str]] = {}
    if "\x00" in request.path:
        errors["path"] = [NUL_MESSAGE]
    for source, limit in ((request.args, MAX_QUERY_TEXT), (request.form, MAX_FORM_TEXT)):
        for key, value in source.items(multi=True):
            key, value = key or "", value or ""
            name = key.replace("\x00", "\\0")
            if "\x00" in key or "\x00" in value:
                errors.setdefault(name, []).append(NUL_MESSAGE)
            elif len(value) > limit:
                errors.setdefault(name, []).append(msg("Tối đa %(limit)s ký tự.", limit=f"{limit:,}".replace(",", ".")))
    for key, upload in request.files.items(multi=True):
        key = key or ""
        if "\x00" in key or "\x00" in (upload.filename or ""):
            errors.setdefault(key.replace("\x00", "\\0"), []).append(NUL_MESSAGE)
    if errors:
        raise InvalidInput(errors)


def register(app: Flask) -> None:
    app.before_request(check_request)
