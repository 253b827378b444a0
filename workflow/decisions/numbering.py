"""The issuing body's number register (Decree 30/2020; docs/DOMAIN.md §7): one row per authority, document type
and calendar year, so numbering starts again at 1 on 1 January without anyone resetting anything.

A number is taken inside the signing transaction, so a rolled-back signing gives its number back and two decisions
never share one. The row is created on first use by an INSERT that yields to a concurrent one (ON CONFLICT DO
NOTHING), then incremented by one UPDATE ... RETURNING: on PostgreSQL that UPDATE holds the row lock until the
transaction ends, so a concurrent signing waits and then reads the committed number; SQLite has a single writer,
and reports a concurrent one as "database is locked", which is StaleObject here as in the engine."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import NumberRegister
from models.decision import DOCUMENT_TYPES
from workflow.core.errors import InvalidInput, StaleObject
from workflow.core.messages import msg

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_number(session: Session, authority_id: int, year: int, doc_type: str = "QĐ") -> int:
    """The next number of the authority's register of `doc_type` for `year` (1 for the first of the year).
    Raises InvalidInput for an unknown document type, StaleObject when SQLite's writer lock is taken."""
    if doc_type not in DOCUMENT_TYPES:
        raise InvalidInput({"doc_type": [msg("Loại văn bản không hợp lệ.")]})
    table = NumberRegister.__table__
    key = {"authority_id": authority_id, "year": year, "doc_type": doc_type}
    insert = _INSERTS[session.get_bind().dialect.name]
    try:
        session.execute(
            insert(table)
            .values(**key, last_number=0, version=1)
            .on_conflict_do_nothing(index_elements=["authority_id", "year", "doc_type"])
        )
        return session.execute(
            update(table)
            .where(*(table.c[column] == value for column, value in key.items()))
            .values(last_number=table.c.last_number + 1, version=table.c.version + 1)
            .returning(table.c.last_number)
        ).scalar_one()
    except OperationalError as error:
        if "locked" in str(error.orig).lower():
            raise StaleObject() from None
        raise
