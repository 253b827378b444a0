"""Which rule set judges a nomination (docs/DOMAIN.md §2), and the province layers that replace some of its entries.

The basis is a setting (RULE_SET_BASIS) that the caller passes in, since workflow/ never reads Flask's config:
- `reached_authority` (default): the rule set the dossier recorded when it reached the deciding authority
  (`Dossier.rule_set`, which approve_submission takes from the rule set in force that day, so the checklist, the
  legal clock and the verdict read the same row); until the dossier gets there, the one in force today;
- `review`: the one in force on the appraisal day;
- `achievement_year`: the one in force on 31 December of the nomination's year.
A movement's pinned rule set wins over every basis. A province layer applies when it is active, targets the rule
set's code (`applies_to`) and covers the judging day, for the dossier's authority or any authority above it; the
nearest authority's layer wins, and a layer's entry replaces the national one with the same key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, AwardTitle, Nomination, RuleParameter, RuleSet
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ
from workflow.rules.applicable import ACHIEVEMENT_YEAR, BASES, REACHED_AUTHORITY, REVIEW, rule_set_for
from workflow.rules.rulesets import APPLIES_TO_KEY, rule_set_in_force

BASIS_LABELS = {
    REACHED_AUTHORITY: "ngày hồ sơ đến cơ quan có thẩm quyền",
    REVIEW: "ngày thẩm định",
    ACHIEVEMENT_YEAR: "ngày cuối năm thành tích",
}


@dataclass(frozen=True)
class Parameter:
    key: str
    value: Any
    configurable: bool
    source: str


@dataclass(frozen=True)
class RuleBook:
    """The national rule set that judges a nomination, the layers on top of it (nearest authority first), and
    the day that chose them."""

    rule_set: RuleSet
    layers: tuple[RuleSet, ...]
    basis: str
    judged_on: date
    pinned: bool

    @property
    def precedence(self) -> list[int]:
        """Rule-set ids in the order their entries win."""
        return [layer.id for layer in self.layers] + [self.rule_set.id]

    def describe(self) -> dict:
        """The verdict's record of the law it used."""
        return {
            "code": self.rule_set.code,
            "revision": self.rule_set.revision,
            "name": self.rule_set.name,
            "layers": [{"code": layer.code, "revision": layer.revision, "name": layer.name} for layer in self.layers],
            "basis": self.basis,
            "judged_on": self.judged_on.isoformat(),
            "pinned": self.pinned,
        }


def judging_day(nomination: Nomination, *, today: date, basis: str) -> date:
    dossier = nomination.dossier
    if basis == REVIEW:
        return today
    if basis == ACHIEVEMENT_YEAR:
        return date(nomination.year, 12, 31)
    return dossier.submitted_at.astimezone(LOCAL_TZ).date() if dossier.submitted_at else today


def rule_book_for(session: Session, nomination: Nomination, *, today: date, basis: str) -> RuleBook:
    """Raises InvalidInput for an unknown basis or a day no rule set covers."""
    if basis not in BASES:
        raise InvalidInput(
            {"basis": [msg("Căn cứ chọn bộ quy định phải là một trong: %(bases)s.", bases=", ".join(BASES))]}
        )
    dossier = nomination.dossier
    day = judging_day(nomination, today=today, basis=basis)
    rule_set = rule_set_for(session, dossier, day, basis)
    pinned = dossier.movement is not None and dossier.movement.pinned_rule_set is not None
    if pinned:
        # Judged as if on a day of the pinned period, so the layers of that period apply.
        day = max(rule_set.effective_from, min(day, rule_set.effective_to or day))
    if rule_set is None:
        raise InvalidInput(
            {"rule_set": [msg("Không có bộ quy định nào có hiệu lực ngày %(day)s.", day=f"{day:%d/%m/%Y}")]}
        )
    return RuleBook(rule_set, _layers(session, rule_set, dossier.authority, day), basis, day, pinned)


def rule_book_on(session: Session, authority: Authority, day: date) -> RuleBook | None:
    """The rule set in force on `day` with the authority's province layers: what a council sitting that day reads.
    None when no rule set covers the day."""
    rule_set = rule_set_in_force(session, day)
    if rule_set is None:
        return None
    return RuleBook(rule_set, _layers(session, rule_set, authority, day), REVIEW, day, False)


def _layers(session: Session, rule_set: RuleSet, authority: Authority | None, day: date) -> tuple[RuleSet, ...]:
    chain: list[int] = []
    while authority is not None and authority.id not in chain:
        chain.append(authority.id)
        authority = authority.parent
    candidates = session.scalars(
        select(RuleSet).where(
            RuleSet.active.is_(True),
            RuleSet.override_for_authority_id.in_(chain),
            RuleSet.effective_from <= day,
            RuleSet.effective_to.is_(None) | (RuleSet.effective_to >= day),
        )
    ).all()
    if not candidates:
        return ()
    targets = dict(
        session.execute(
            select(RuleParameter.rule_set_id, RuleParameter.value).where(
                RuleParameter.rule_set_id.in_([c.id for c in candidates]), RuleParameter.key == APPLIES_TO_KEY
            )
        ).all()
    )
    applying = [c for c in candidates if rule_set.code in (targets.get(c.id) or [])]
    return tuple(sorted(applying, key=lambda layer: chain.index(layer.override_for_authority_id)))


def parameters(session: Session, book: RuleBook) -> dict[str, Parameter]:
    """Every parameter of the rule book by key, a layer's value replacing the national one."""
    rows = session.scalars(select(RuleParameter).where(RuleParameter.rule_set_id.in_(book.precedence))).all()
    rank = {rule_set_id: i for i, rule_set_id in enumerate(book.precedence)}
    found: dict[str, Parameter] = {}
    for row in sorted(rows, key=lambda r: rank[r.rule_set_id], reverse=True):
        if row.key != APPLIES_TO_KEY:
            found[row.key] = Parameter(row.key, row.value, row.configurable, row.legal_source)
    return found


def award_title(session: Session, book: RuleBook, code: str) -> AwardTitle | None:
    rows = {
        t.rule_set_id: t
        for t in session.scalars(
            select(AwardTitle).where(AwardTitle.rule_set_id.in_(book.precedence), AwardTitle.code == code)
        )
    }
    return next((rows[i] for i in book.precedence if i in rows), None)
