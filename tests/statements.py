"""Counting the SQL statements a request sends, for the statement-count bounds and benchmarks/pages.py."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


class StatementLog:
    """The statements sent through an engine while it listens (SQL text only, for the failure message)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()

    def __str__(self) -> str:
        return "\n".join(f"{i:3d}. {' '.join(s.split())[:160]}" for i, s in enumerate(self.statements, 1))


@contextmanager
def counting_statements(engine: Engine):
    """Yield a StatementLog that records every statement the engine sends (`before_cursor_execute`: an
    executemany counts once, as it is one round trip's worth of work for the page)."""
    log = StatementLog()

    def record(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)
