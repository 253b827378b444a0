"""The standing office's appraisal of nominations (thẩm định): evaluate E1–E14, record the verdict, move the
nomination, and accept warnings with a written reason.

`evaluate` only reads. `appraise` stores the verdict on the nomination and fires its transition: a block makes
it ineligible (reason "criteria_not_met"), no block and every warning accepted makes it eligible, and anything
else leaves it proposed until the office answers the warnings. Only eligible nominations go before the council
(`schedulable`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AwardTitle, EligibilityOverride, Nomination, RuleSet, User
from models.base import utcnow
from models.dossier import DossierState, NominationState
from workflow.core import audit
from workflow.core.engine import available_triggers, fire
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import NOMINATION
from workflow.core.messages import DataLabel, Message, data_label, msg
from workflow.permissions import can_appraise
from workflow.rules.competence import DECIDE, FORWARD, route_for
from workflow.rules.eligibility.basis import award_title, parameters, rule_book_for
from workflow.rules.eligibility.facts import expected_decision_date, load_facts
from workflow.rules.eligibility.rules import BLOCK, PASS, RULES, WARN, Finding, Law

# The office appraises while it holds the dossier: after it arrives and before the council takes it up.
APPRAISAL_STATES = (DossierState.SUBMITTED, DossierState.ACCEPTED)
# A nomination already found (in)eligible goes back to proposed (`reappraise`, with a comment) before a new verdict.
REAPPRAISED_STATES = (NominationState.ELIGIBLE, NominationState.INELIGIBLE)
REASON_MAX = 2000
# How programs read the route: the authority decides the title itself, or proposes it upward.
ROUTE_NAMES = {DECIDE: "decide_locally", FORWARD: "forward"}


@dataclass(frozen=True)
class Verdict:
    """What the rules say about one nomination, and under which law; `rule_set` is RuleBook.describe()."""

    rule_set: dict
    title_name: str  # a DataLabel (both languages) when the rule set knows the title
    decision_on: date
    route: str
    route_reason: str
    findings: tuple[Finding, ...]
    # Who decides: the authority itself when the route is `decide`, the nearest competent one above when `forward`
    # (None when no authority in the data holds that level on the day).
    competent_authority: dict | None = None
    evaluated_at: datetime = field(default_factory=utcnow)

    @property
    def judged_on(self) -> date:
        """The day that chose the rule set."""
        return date.fromisoformat(self.rule_set["judged_on"])

    @property
    def blocks(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCK]

    @property
    def open_warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARN and not f.overridden]

    @property
    def outcome(self) -> str:
        """ineligible, eligible, or pending (warnings wait for the office)."""
        if self.blocks:
            return NominationState.INELIGIBLE
        return "pending" if self.open_warnings else NominationState.ELIGIBLE

    def as_json(self) -> dict:
        return {
            "rule_set": self.rule_set,
            "title_name": self.title_name,
            "evaluated_at": self.evaluated_at.isoformat(timespec="seconds"),
            "decision_on": self.decision_on.isoformat(),
            "route": self.route,
            "route_reason": self.route_reason,
            "competent_authority": self.competent_authority,
            "outcome": self.outcome,
            "findings": [f.as_dict() for f in self.findings],
        }


def evaluate(session: Session, nomination: Nomination, *, today: date, basis: str) -> Verdict:
    """Every finding for the nomination under the rule set `basis` chooses, with the office's accepted warnings
    marked. Reads only. Raises InvalidInput (unknown basis, no rule set in force)."""
    book = rule_book_for(session, nomination, today=today, basis=basis)
    dossier = nomination.dossier
    decision_on = expected_decision_date(dossier, today)
    law = Law(parameters(session, book), book.rule_set.legal_source)
    title = award_title(session, book, nomination.title_code)
    if title is None:
        reason = (
            f"Danh hiệu, hình thức {nomination.title_code} không có trong bộ quy định {book.rule_set.code}: "
            "không cấp nào có thẩm quyền quyết định"
        )
        findings = [Finding("E13", BLOCK, reason, law.source)]
        return Verdict(book.describe(), nomination.title_code, decision_on, FORWARD, reason, tuple(findings))
    facts = load_facts(session, nomination, decision_on=decision_on)
    route = route_for(
        session,
        authority=dossier.authority,
        title_code=nomination.title_code,
        rule_set=book.rule_set,
        on=decision_on,
        layers=book.layers,
    )
    findings = [found for rule in RULES if (found := rule(facts, law)) is not None]
    findings.append(Finding("E13", PASS, route.reason, route.source))
    findings.sort(key=lambda f: int(f.rule[1:]))
    accepted = _accepted_warnings(session, nomination, book.rule_set.code)
    findings = [f.accepted(accepted[f.rule]) if f.severity == WARN and f.rule in accepted else f for f in findings]
    competent = route.competent
    return Verdict(
        book.describe(),
        data_label(title),
        decision_on,
        route.route,
        route.reason,
        tuple(findings),
        {"code": competent.code, "name": competent.name, "level": competent.level} if competent else None,
    )


def _accepted_warnings(session: Session, nomination: Nomination, rule_set_code: str) -> dict[str, str]:
    """The latest written reason per rule given under this rule set."""
    rows = session.scalars(
        select(EligibilityOverride)
        .where(EligibilityOverride.nomination_id == nomination.id, EligibilityOverride.rule_set_code == rule_set_code)
        .order_by(EligibilityOverride.id)
    )
    return {row.rule: row.reason for row in rows}


def appraisable(nomination: Nomination) -> bool:
    """Whether the office may (re-)appraise it now: its dossier is with the office and the council has not
    judged it yet."""
    return nomination.dossier.state in APPRAISAL_STATES and nomination.state in (
        NominationState.PROPOSED,
        *REAPPRAISED_STATES,
    )


def _require_appraisable(actor: User, nomination: Nomination, version: int | None) -> None:
    if not can_appraise(actor, nomination):
        raise PermissionDenied()
    if version is not None and version != nomination.version:
        raise StaleObject()
    if nomination.dossier.state not in APPRAISAL_STATES:
        raise GuardFailed([msg("Chỉ thẩm định khi hồ sơ đã đến Phòng Nội vụ (đã nộp hoặc đã tiếp nhận).")])


def _summary(findings: list[Finding]) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in findings]


def appraise(
    session: Session,
    nomination: Nomination,
    *,
    actor: User,
    today: date,
    basis: str,
    comment: str = "",
    version: int | None = None,
) -> Verdict:
    """Evaluate, store the verdict on the nomination and fire what it calls for; an eligible or ineligible
    nomination is first sent back to proposed (`reappraise`, which needs a comment). Raises PermissionDenied,
    StaleObject, GuardFailed (dossier not with the office, no comment), TransitionNotAllowed, InvalidInput."""
    _require_appraisable(actor, nomination, version)
    verdict = evaluate(session, nomination, today=today, basis=basis)
    if nomination.state in REAPPRAISED_STATES:
        fire(
            NOMINATION,
            nomination,
            "reappraise",
            actor=actor,
            data={"comment": (comment or "").strip()},
            changes={"outcome_reason": None},
        )
    elif nomination.state != NominationState.PROPOSED:
        raise TransitionNotAllowed("find_eligible", nomination.state, available_triggers(NOMINATION, nomination, actor))
    record = verdict.as_json()
    code = verdict.rule_set["code"]
    if verdict.blocks:
        fire(
            NOMINATION,
            nomination,
            "find_ineligible",
            actor=actor,
            data={"reason": "criteria_not_met", "rule_set": code, "findings": _summary(verdict.blocks)},
            changes={"findings": record, "outcome_reason": "criteria_not_met"},
        )
    elif not verdict.open_warnings:
        accepted = [f.rule for f in verdict.findings if f.overridden]
        fire(
            NOMINATION,
            nomination,
            "find_eligible",
            actor=actor,
            data={"rule_set": code, "route": verdict.route, "accepted_warnings": accepted},
            changes={"findings": record},
        )
    else:
        nomination.findings = record
        session.flush()
        audit.append(
            session,
            entity_type="nomination",
            entity_id=nomination.id,
            dossier_id=nomination.dossier_id,
            action="eligibility_appraised",
            actor_id=actor.id,
            data={"rule_set": code, "warnings": _summary(verdict.open_warnings)},
        )
    return verdict


def override_warning(
    session: Session,
    nomination: Nomination,
    *,
    rule: str,
    reason: str,
    actor: User,
    today: date,
    basis: str,
    version: int | None = None,
) -> Verdict:
    """Accept a current warning of a proposed nomination with a written reason (audited), then appraise again.
    A block can never be accepted. Raises PermissionDenied, StaleObject, GuardFailed, InvalidInput."""
    _require_appraisable(actor, nomination, version)
    if nomination.state != NominationState.PROPOSED:
        raise GuardFailed([msg("Chỉ chấp nhận cảnh báo cho đề nghị đang chờ thẩm định; hãy thẩm định lại trước.")])
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [msg("Vui lòng ghi rõ lý do chấp nhận cảnh báo.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [msg("Lý do dài tối đa %(limit)s ký tự.", limit=REASON_MAX)]
    verdict = evaluate(session, nomination, today=today, basis=basis)
    found = next((f for f in verdict.findings if f.rule == rule), None)
    if found is None or found.severity == PASS:
        errors["rule"] = [msg("Điều kiện %(rule)s không có cảnh báo nào để chấp nhận.", rule=rule)]
    elif found.severity == BLOCK:
        errors["rule"] = [msg("Điều kiện %(rule)s không đạt: không thể chấp nhận ngoại lệ.", rule=rule)]
    if errors:
        raise InvalidInput(errors)
    code = verdict.rule_set["code"]
    session.add(
        EligibilityOverride(
            nomination_id=nomination.id,
            rule=rule,
            rule_set_code=code,
            warning=found.message,
            reason=reason,
            actor_id=actor.id,
        )
    )
    session.flush()
    audit.append(
        session,
        entity_type="nomination",
        entity_id=nomination.id,
        dossier_id=nomination.dossier_id,
        action="eligibility_override",
        actor_id=actor.id,
        data={"rule": rule, "reason": reason, "rule_set": code, "warning": found.message},
    )
    return appraise(session, nomination, actor=actor, today=today, basis=basis)


def findings_list(
    session: Session, nomination: Nomination, *, today: date, basis: str, as_of: date | None = None
) -> list[dict]:
    """The findings of the office's last recorded appraisal, or before there is one a fresh evaluation (nothing
    written); each names the route, the rule set and the day that chose it, and whether it was recorded.

    `as_of` answers the office's what-if question: a fresh evaluation as if today were that day (the rule set the
    basis picks then, the decision expected then), labelled a simulation and never stored.
    Raises InvalidInput (no rule set covers the day)."""
    record, recorded = nomination.findings, True
    if as_of is not None or not record:
        record, recorded = evaluate(session, nomination, today=as_of or today, basis=basis).as_json(), False
    rule_set = record["rule_set"]
    common = {
        "rule_set": rule_set["code"],
        "rule_set_revision": rule_set["revision"],
        "basis": rule_set["basis"],
        "judged_on": rule_set["judged_on"],
        "route": ROUTE_NAMES.get(record["route"], record["route"]),
        "route_reason": record["route_reason"],
        "competent_authority": record.get("competent_authority"),
        "decision_on": record["decision_on"],
        "evaluated_at": record["evaluated_at"],
        "recorded": recorded,
        "simulation": as_of is not None,
    }
    return [{**finding, **common} for finding in record["findings"]]


def decision_sentence(nomination: Nomination, verdict: Verdict) -> Message:
    """Who decides, in one sentence a unit's clerk reads without the law at hand: the chairman here, or the one the
    dossier goes up to after the council (an ended authority's successor included)."""
    competent = verdict.competent_authority
    title = verdict.title_name
    if verdict.route == DECIDE and competent:
        return msg("Chủ tịch %(authority)s quyết định khen thưởng %(title)s.", authority=competent["name"], title=title)
    authority = nomination.dossier.authority
    if competent and not authority.valid_on(verdict.decision_on):
        return msg(
            "%(title)s do Chủ tịch %(competent)s quyết định: %(authority)s không còn thẩm quyền vào ngày quyết định "
            "dự kiến, hồ sơ sẽ được chuyển lên sau khi Hội đồng xét.",
            title=title,
            competent=competent["name"],
            authority=authority.name,
        )
    if competent:
        return msg(
            "%(title)s do Chủ tịch %(competent)s quyết định: hồ sơ sẽ được trình lên sau khi Hội đồng xét.",
            title=title,
            competent=competent["name"],
        )
    return msg(
        "%(title)s do cấp trên quyết định (cơ quan đó không có trong dữ liệu): hồ sơ sẽ được trình lên sau khi Hội "
        "đồng xét.",
        title=title,
    )


# The rule data's own doubts, written into legal sources: for the administrator who keeps the data, not the office.
_DOUBT = re.compile(r"(?:cần|chưa) xác nhận")
_RULE_CODE = re.compile(r"^E\d+$")
_PIECES = re.compile(r";\s*|,\s*|\s+—\s+")


def plain_source(source: str) -> tuple[str, tuple[str, ...]]:
    """A legal source without its doubts ("điều khoản cần xác nhận", "mức … chưa xác nhận") and the rule codes
    written in it, and the doubts apart: "Luật …, Điều 24 (E1; điều khoản cần xác nhận)" gives
    ("Luật …, Điều 24", ("điều khoản cần xác nhận",))."""
    doubts: list[str] = []

    def bracket(match: re.Match) -> str:
        kept = []
        for piece in _PIECES.split(match.group(1)):
            if _DOUBT.search(piece):
                doubts.append(piece)
            elif piece and not _RULE_CODE.match(piece):
                kept.append(piece)
        return f" ({', '.join(kept)})" if kept else ""

    text = re.sub(r"\s*\(([^()]*)\)", bracket, source)
    parts = []
    for part in text.split("; "):
        if not _DOUBT.search(part):
            parts.append(part)
            continue
        cited, _, doubt = part.partition(": ")
        doubts.append(doubt or cited)
        if doubt:
            parts.append(cited)
    return "; ".join(p for p in parts if p), tuple(doubts)


def title_labels(session: Session) -> dict[str, DataLabel]:
    """Every title code any rule set knows, named in both languages as the newest rule set writes it."""
    rows = session.scalars(
        select(AwardTitle)
        .join(RuleSet, AwardTitle.rule_set_id == RuleSet.id)
        .order_by(RuleSet.effective_from, RuleSet.revision, AwardTitle.id)
    )
    return {row.code: data_label(row) for row in rows}


def schedulable(nomination: Nomination) -> bool:
    """Whether the council may take the nomination up: only an eligible one (an ineligible one never is)."""
    return nomination.state == NominationState.ELIGIBLE
