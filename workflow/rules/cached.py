"""Rule tables read once per rule-set revision instead of on every call (benchmarks/transition.py: the checklist
behind every step to the office read them each time).

A rule set's rows never change after it is loaded: a changed file becomes a new revision with rows of its own
(workflow/rules/rulesets.py), so what a revision says can be kept for the life of the process. The key holds the
revision's content hash too, so a database rebuilt with other contents under the same ids is never answered from
an old entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RequiredDocument, RuleSet

# Far more than the revisions a deployment ever holds; past it the cache starts again.
_LIMIT = 1000


@dataclass(frozen=True)
class Requirement:
    """One checklist item of a procedure, as its rule set states it (the columns of RequiredDocument)."""

    id: int
    kind: str
    name_vi: str
    name_en: str
    per_nominee: bool
    only_if_initiative: bool
    legal_source: str


_REQUIRED: dict[tuple[int, str, str], tuple[Requirement, ...]] = {}


def required_documents(session: Session, rule_set: RuleSet | None, procedure: str) -> list[Requirement]:
    """The documents `procedure` requires under `rule_set`, in the rule set's order."""
    if rule_set is None:
        return []
    key = (rule_set.id, rule_set.content_hash, procedure)
    found = _REQUIRED.get(key)
    if found is None:
        table = RequiredDocument.__table__
        rows = session.execute(
            select(
                table.c.id, table.c.kind, table.c.name_vi, table.c.name_en, table.c.per_nominee,
                table.c.only_if_initiative, table.c.legal_source,
            )
            .where(table.c.rule_set_id == rule_set.id, table.c.procedure == procedure)
            .order_by(table.c.id)
        )  # fmt: skip
        found = tuple(Requirement(*row) for row in rows)
        if len(_REQUIRED) >= _LIMIT:
            _REQUIRED.clear()
        _REQUIRED[key] = found
    return list(found)
