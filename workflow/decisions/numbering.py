"""The issuing body's number register (Decree 30/2020; docs/DOMAIN.md §7): one row per authority, document type
and calendar year, so numbering starts again at 1 on 1 January without anyone resetting anything. The authority's
golden book (sổ vàng) is counted in the same table, in one row per authority that no year resets (doc_type
GOLDEN_BOOK, year GOLDEN_BOOK_YEAR): the book is kept for the authority's whole history, and DOMAIN.md gives no
yearly reset for it as it does for the decision numbers.

A number is taken inside the signing transaction, so a rolled-back signing gives its number back and two decisions
never share one. The row is created on first use by an INSERT that yields to a concurrent one (ON CONFLICT DO
NOTHING), then incremented by one UPDATE ... RETURNING: on PostgreSQL that UPDATE holds the row lock until the
transaction ends, so a concurrent signing waits and then reads the committed number; SQLite has a single writer,
and reports a concurrent one as "database is locked", which is StaleObject here as in the engine. The golden-book
row has its own lock because the decision register's lock is per year: two signings of one authority dated in
different years hold different register rows, and only the golden-book row makes the second one wait."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import NumberRegister
from models.decision import DOCUMENT_TYPES, GOLDEN_BOOK, GOLDEN_BOOK_YEAR
from workflow.core.errors import InvalidInput, StaleObject
from workflow.core.messages import msg

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_number(session: Session, authority_id: int, year: int, doc_type: str = "QĐ") -> int:
    """The next number of the authority's register of `doc_type` for `year` (1 for the first of the year).
    Raises InvalidInput for an unknown document type, StaleObject when SQLite's writer lock is taken."""
    if doc_type not in DOCUMENT_TYPES:
        raise InvalidInput({"doc_type": [msg("Loại văn bản không hợp lệ.")]})
    return _take(session, authority_id, year, doc_type, 1)


def next_golden_book_numbers(session: Session, authority_id: int, count: int) -> list[int]:
    """`count` consecutive numbers of the authority's golden book, continuing across years (1 for the first award
    it ever records), taken at once so one decision's awardees are consecutive. Raises StaleObject when SQLite's
    writer lock is taken."""
    if count <= 0:
        return []
    last = _take(session, authority_id, GOLDEN_BOOK_YEAR, GOLDEN_BOOK, count)
    return list(range(last - count + 1, last + 1))


def _take(session: Session, authority_id: int, year: int, doc_type: str, count: int) -> int:
    """Advance the register row by `count` and return its new last number, the row locked until commit."""
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
            .values(last_number=table.c.last_number + count, version=table.c.version + 1)
            .returning(table.c.last_number)
        ).scalar_one()
    except OperationalError as error:
        if "locked" in str(error.orig).lower():
            raise StaleObject() from None
        raise
