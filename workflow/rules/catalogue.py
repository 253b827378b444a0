"""Reading a rule set back with everything it holds, for the administration pages, the API and
`flask rules show`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, AwardTitle, Competence, ProcedureRule, RequiredDocument, RuleParameter, RuleSet
from workflow.rules.rulesets import APPLIES_TO_KEY, COMPETENCE_LEVELS


@dataclass(frozen=True)
class RuleSetSummary:
    """A rule set with what its row only holds as ids: the authority of an override layer and its targets."""

    rule_set: RuleSet
    override_for_authority: Authority | None
    applies_to: list[str]

    def __getattr__(self, name: str):
        return getattr(self.rule_set, name)


@dataclass(frozen=True)
class RuleSetContents(RuleSetSummary):
    """Everything a rule set says, each entry with its legal source."""

    titles: list[AwardTitle]
    competences: list[Competence]
    procedures: list[ProcedureRule]
    required_documents: list[RequiredDocument]
    parameters: list[RuleParameter]


def _summary_parts(session: Session, rule_sets: list[RuleSet]) -> tuple[dict[int, Authority], dict[int, list[str]]]:
    authority_ids = {rs.override_for_authority_id for rs in rule_sets if rs.override_for_authority_id}
    authorities = {a.id: a for a in session.scalars(select(Authority).where(Authority.id.in_(authority_ids)))}
    targets = dict(
        session.execute(
            select(RuleParameter.rule_set_id, RuleParameter.value).where(
                RuleParameter.rule_set_id.in_([rs.id for rs in rule_sets]), RuleParameter.key == APPLIES_TO_KEY
            )
        ).all()
    )
    return authorities, targets


def rule_set_summaries(session: Session) -> list[RuleSetSummary]:
    """Every loaded rule set, every revision: national ones by period, then the override layers."""
    rule_sets = list(
        session.scalars(
            select(RuleSet).order_by(
                RuleSet.override_for_authority_id.is_not(None),
                RuleSet.effective_from,
                RuleSet.code,
                RuleSet.revision.desc(),
            )
        )
    )
    authorities, targets = _summary_parts(session, rule_sets)
    return [
        RuleSetSummary(rs, authorities.get(rs.override_for_authority_id), list(targets.get(rs.id) or []))
        for rs in rule_sets
    ]


def find_rule_set(session: Session, code: str, revision: int | None = None) -> RuleSet | None:
    """The rule set with this code: the given revision, or the active one."""
    query = select(RuleSet).where(RuleSet.code == code)
    query = query.where(RuleSet.revision == revision) if revision is not None else query.where(RuleSet.active.is_(True))
    return session.scalar(query.order_by(RuleSet.revision.desc()).limit(1))


def rule_set_contents(session: Session, rule_set: RuleSet) -> RuleSetContents:
    authorities, targets = _summary_parts(session, [rule_set])

    def rows(model) -> list:
        return list(session.scalars(select(model).where(model.rule_set_id == rule_set.id).order_by(model.id)))

    level_order = {level: i for i, level in enumerate(COMPETENCE_LEVELS)}
    return RuleSetContents(
        rule_set=rule_set,
        override_for_authority=authorities.get(rule_set.override_for_authority_id),
        applies_to=list(targets.get(rule_set.id) or []),
        titles=rows(AwardTitle),
        # Lowest level first, so the page reads from the commune up to the State.
        competences=sorted(rows(Competence), key=lambda c: level_order.get(c.authority_level, len(level_order))),
        procedures=rows(ProcedureRule),
        required_documents=rows(RequiredDocument),
        parameters=[p for p in rows(RuleParameter) if p.key != APPLIES_TO_KEY],
    )


# --- pages --------------------------------------------------------------------------------------------------
