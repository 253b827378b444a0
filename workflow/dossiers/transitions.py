"""The dossier's steps from the unit to the standing office: one service per trigger of the dossier workflow, each
firing it through the engine with the facts its guards read. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Dossier, User
from models.catalogue import ProcedureRule
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput
from workflow.core.machines import DOSSIER
from workflow.core.messages import msg
from workflow.core.today import filing_moment, local_today
from workflow.definitions import guards as g
from workflow.dossiers import deadlines, supplements
from workflow.dossiers.editing import checklist
from workflow.rules.applicable import rule_set_for


def submit_to_head(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    """Officer → head. Raises TransitionNotAllowed, PermissionDenied, StaleObject, GuardFailed (every missing
    document listed)."""
    return fire(
        DOSSIER,
        dossier,
        "submit_to_head",
        actor=actor,
        data=_comment(comment),
        context=_facts(session, dossier, local_today()),
        expected_version=version,
    )


def send_back(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    """Head → officer, with the reason."""
    return fire(DOSSIER, dossier, "send_back", actor=actor, data=_comment(comment), expected_version=version)


def approve_submission(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    sign_off: bool = False,
    comment: str = "",
    version: int | None = None,
):
    """The head signs the proposal and the dossier reaches the standing office; from now on the rule set in force
    today judges it (docs/DOMAIN.md §2)."""
    today = local_today()
    changes: dict[str, Any] = {"submitted_at": filing_moment()}
    if dossier.rule_set_id is None:
        rule_set = rule_set_for(session, dossier, today)
        changes["rule_set_id"] = rule_set.id if rule_set is not None else None
    return fire(
        DOSSIER,
        dossier,
        "approve_submission",
        actor=actor,
        data={**_comment(comment), "sign_off": sign_off},
        context=_facts(session, dossier, today),
        changes=changes,
        expected_version=version,
    )


def accept(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    """The standing office accepts a complete dossier; the legal clock starts (or keeps running after a pause).
    A re-accepted dossier keeps the day it was first accepted: that day decides whether it continues under the
    transitional rules once its authority has ended."""
    today = local_today()
    return fire(
        DOSSIER,
        dossier,
        "accept",
        actor=actor,
        data=_comment(comment),
        context=_facts(session, dossier, today),
        changes=lambda: {
            "accepted_on": dossier.accepted_on or today,
            **deadlines.clock_start(session, dossier, today, lambda: time_limit(session, dossier)),
        },
        expected_version=version,
    )


def return_for_supplement(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    missing_items: Sequence[str] = (),
    comment: str = "",
    version: int | None = None,
):
    """Return with the complete list of what is missing: ticked checklist keys, labels (API clients) or the office's
    own words. A later return may only name items of the first list again (the one-stop rule, in
    workflow/dossiers/supplements.py). A running clock pauses."""
    nameable = supplements.nameable_items(session, dossier, checklist(session, dossier))
    items = supplements.resolve(missing_items, nameable)
    entry = fire(
        DOSSIER,
        dossier,
        "return_for_supplement",
        actor=actor,
        data={
            **_comment(comment),
            "missing_items": [str(item.label) for item in items],
            "asked": [{"key": item.key, "label": str(item.label)} for item in items],
        },
        context={"outside_first_list": supplements.outside_first_list(session, dossier, items)},
        expected_version=version,
    )
    deadlines.pause_clock(session, dossier, local_today())
    session.flush()
    return entry


def resubmit(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    comment: str = "",
    explanations: Mapping[str, str] | None = None,
    version: int | None = None,
):
    """The unit sends the supplemented dossier back once every item the office asked for is supplied or explained
    (`explanations`: item key → the unit's words); a paused clock resumes with the days that were left. A dossier
    re-addressed to a successor authority reaches it now, so the rule set in force today is recorded."""
    today = local_today()
    explained = {key: text.strip() for key, text in (explanations or {}).items() if text and text.strip()}
    changes: dict[str, Any] = {}
    if dossier.rule_set_id is None:
        rule_set = rule_set_for(session, dossier, today)
        changes["rule_set_id"] = rule_set.id if rule_set is not None else None
    entry = fire(
        DOSSIER,
        dossier,
        "resubmit",
        actor=actor,
        data={**_comment(comment), "explanations": explained},
        context={**_facts(session, dossier, today), "unsupplied": supplements.unsupplied(session, dossier, explained)},
        changes=changes,
        expected_version=version,
    )
    deadlines.resume_clock(session, dossier, today)
    session.flush()
    return entry


def withdraw(session: Session, dossier: Dossier, *, actor: User, comment: str = "", version: int | None = None):
    return fire(DOSSIER, dossier, "withdraw", actor=actor, data=_comment(comment), expected_version=version)


def reject(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    reason: str | None = None,
    comment: str = "",
    version: int | None = None,
):
    """Refuse the dossier with a reason category (wrong subject, criteria not met, incomplete, law violation)."""
    return fire(
        DOSSIER,
        dossier,
        "reject",
        actor=actor,
        data={**_comment(comment), "reason": reason},
        changes={"rejection_reason": reason},
        expected_version=version,
    )


# Guards whose answer is known before the dialog is filled in: they read only the dossier, its checklist and the day.
FORESEEABLE = (g.authority_in_office, g.has_nominations, g.has_required_documents)


def foreseeable_failures(session: Session, dossier: Dossier, trigger: str) -> list[str]:
    """What would refuse `trigger` now whatever the dialog says, so the page can say it before the button is
    pressed."""
    facts = _facts(session, dossier, local_today())
    guards = [guard for guard in DOSSIER.transitions[trigger].guards if guard in FORESEEABLE]
    return [message for guard in guards for message in guard(dossier, facts)]


def time_limit(session: Session, dossier: Dossier) -> int:
    """Working days the authority has for this procedure, from the dossier's rule set."""
    rule = session.scalar(
        select(ProcedureRule).where(
            ProcedureRule.rule_set_id == dossier.rule_set_id, ProcedureRule.procedure == dossier.procedure
        )
    )
    if rule is None:
        raise InvalidInput({"procedure": [msg("Bộ quy định không có thời hạn giải quyết cho thủ tục này.")]})
    return rule.time_limit_working_days


def _facts(session: Session, dossier: Dossier, today: date) -> dict[str, Any]:
    """What the guards of a step towards the office read: the document checklist and the day (an ended authority
    receives nothing)."""
    return {"checklist": checklist(session, dossier), "today": today}


def _comment(comment: str | None) -> dict[str, str]:
    return {"comment": (comment or "").strip()}
