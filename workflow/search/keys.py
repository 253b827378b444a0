"""Search keys: each searched row keeps its words folded (no diacritics, no case, single spaces) in `search_key`,
so "nguyen van an", "NGUYỄN VĂN AN" and "Nguyễn Văn An" find the same person with a plain LIKE on either database.
Folding happens here, in Python, not with SQL's lower() (SQLite folds ASCII only) or PostgreSQL's unaccent."""

from __future__ import annotations

import unicodedata

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Decision, Dossier, Initiative, Nominee, Unit

# The columns each searched model is found by. A dossier's code (HS-2025-00042) is its year and id, the id unknown
# before the insert, so it is matched by those columns instead (workflow/search/query.py).
SOURCES: dict[type, tuple[str, ...]] = {
    Dossier: ("title",),
    Nominee: ("full_name",),
    Unit: ("name", "code"),
    Initiative: ("title",),
    Decision: ("number", "summary"),
}


def fold(text: str) -> str:
    """Case folded, marks dropped, đ read as d: "Nguyễn  Văn An" → "nguyen van an", "Đắk Xú" → "dak xu"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(plain.split())


def search_text(model: type, row) -> str:
    """The words a row is found by; `row` is the model's object, or a row of its SOURCES columns (the migration)."""
    if model is Decision:
        return f"{Decision.number_text.fget(row) or ''} {row.summary}"
    return " ".join(getattr(row, column) or "" for column in SOURCES[model])


@event.listens_for(Session, "before_flush")
def _refresh_search_keys(session: Session, flush_context, instances) -> None:
    """Every new or changed searched row gets its key in the same flush; an unchanged key is left alone, so no
    extra UPDATE (nor version bump) is written."""
    for row in (*session.new, *session.dirty):
        model = type(row)
        if model in SOURCES:
            key = fold(search_text(model, row))
            if row.search_key != key:
                row.search_key = key
