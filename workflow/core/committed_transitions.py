"""Transitions told to whoever counts them (web/metrics.py) once their transaction commits, so workflow/ knows
nothing of metrics and a rolled-back transition is never counted.

The engine notes each transition in the session (`note`: a counter increment, the only cost on the hot path),
against the innermost open transaction. A released SAVEPOINT hands its counts to the transaction around it; a
rolled-back one drops them. When the outermost transaction commits, the counts are sent as one blinker signal,
`transitions_committed`, with `counts={(workflow name, trigger): n}`; when it ends any other way, they are
forgotten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

transitions_committed = Namespace().signal("transitions-committed")

_NOTED = "transitions_noted"  # Session.info key: {SessionTransaction: Counter}


def note(session: Session, workflow_name: str, triggers: Iterable[str]) -> None:
    """Count these transitions of one workflow in the session's innermost open transaction."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    noted = session.info.setdefault(_NOTED, {})
    counts = noted.get(transaction)
    if counts is None:
        counts = noted[transaction] = Counter()
    for trigger in triggers:
        counts[workflow_name, trigger] += 1


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Fired for a released SAVEPOINT too (the committing one is still the session's nested transaction)."""
    noted = session.info.get(_NOTED)
    if not noted:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:
        counts = noted.pop(savepoint, None)
        if counts:
            noted.setdefault(savepoint.parent, Counter()).update(counts)
        return
    total = Counter()
    for counts in session.info.pop(_NOTED).values():
        total.update(counts)
    if total:
        transitions_committed.send(session, counts=dict(total))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    noted = session.info.get(_NOTED)
    if noted is None:
        return
    if previous_transaction.nested:
        noted.pop(previous_transaction, None)
    else:
        session.info.pop(_NOTED, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction closed without a commit (a commit has already taken the counts)."""
    if transaction.parent is None:
        session.info.pop(_NOTED, None)
