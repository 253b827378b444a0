"""What a council's vote follows: the rule set in force on the session day (with the province's layers) gives the
defaults, and a council's own operating rules (its non-null columns) override them (docs/DOMAIN.md §6).

Ratios are compared as `count >= ratio × base`; the rule sets write two thirds as 0.6666 (rounded down), so that
exactly 6 of 9 reaches it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Council, CouncilMembership
from models.council import VOTING_ROLES
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.rules.eligibility.basis import parameters, rule_book_on

# Where a value came from when the council set it itself.
COUNCIL_SOURCE = "Quy chế hoạt động của Hội đồng (giá trị riêng của Hội đồng)"


@dataclass(frozen=True)
class CouncilRules:
    """The rules one poll follows, each with where it came from (a legal source, or the council's own rules)."""

    quorum_ratio: Decimal
    pass_ratio: Decimal
    base: str  # "total": the approval ratio counts on the whole membership; "present": on the members present
    secret: bool
    absent_vote_in_writing: bool
    recuse_own_unit: bool
    sources: dict[str, str]


def council_rules(session: Session, council: Council, *, title_code: str, day: date) -> CouncilRules:
    """Raises InvalidInput when no rule set covers the day."""
    book = rule_book_on(session, council.authority, day)
    if book is None:
        raise InvalidInput({"day": [msg("Không có bộ quy định nào có hiệu lực ngày %(day)s.", day=f"{day:%d/%m/%Y}")]})
    law = parameters(session, book)
    sources: dict[str, str] = {}

    def pick(name: str, own, key: str, default):
        if own is not None:
            sources[name] = COUNCIL_SOURCE
            return own
        parameter = law.get(key)
        if parameter is None:
            sources[name] = book.rule_set.legal_source
            return default
        sources[name] = parameter.source
        return parameter.value

    quorum = Decimal(str(pick("quorum_ratio", council.quorum_ratio, "council_quorum_ratio", Decimal("0.6666"))))
    higher = law.get("council_higher_titles")
    if council.pass_ratio is None and higher is not None and title_code in higher.value:
        ratio_key = "council_pass_ratio_higher_titles"
    else:
        ratio_key = "council_pass_ratio"
    ratio = Decimal(str(pick("pass_ratio", council.pass_ratio, ratio_key, Decimal("0.6666"))))
    on_total = pick("base", _base_flag(council), "council_pass_counts_total_membership", True)
    secret = bool(pick("secret", council.secret_ballot, "council_secret_ballot", True))
    open_titles = law.get("council_open_ballot_titles")
    if council.secret_ballot is None and open_titles is not None and title_code in open_titles.value:
        secret, sources["secret"] = False, open_titles.source
    writing = pick(
        "absent_vote_in_writing", council.absent_may_vote_in_writing, "council_absent_members_vote_in_writing", False
    )
    return CouncilRules(
        quorum_ratio=quorum,
        pass_ratio=ratio,
        base="total" if on_total else "present",
        secret=secret,
        absent_vote_in_writing=bool(writing),
        recuse_own_unit=bool(pick("recuse_own_unit", council.recuse_own_unit, "council_recusal", True)),
        sources=sources,
    )


def _base_flag(council: Council) -> bool | None:
    return None if council.approval_base is None else council.approval_base == "total"


def voting_members(session: Session, council: Council, day: date) -> list[CouncilMembership]:
    """Memberships whose term covers the day, with a voting role (the secretary keeps the minutes), by user."""
    return list(
        session.scalars(
            select(CouncilMembership)
            .where(
                CouncilMembership.council_id == council.id,
                CouncilMembership.role_in_council.in_(VOTING_ROLES),
                CouncilMembership.term_from <= day,
                CouncilMembership.term_to.is_(None) | (CouncilMembership.term_to >= day),
            )
            .order_by(CouncilMembership.user_id)
        )
    )


def reaches(count: int, ratio: Decimal, base: int) -> bool:
    """Whether `count` is at least `ratio` of `base` (a quorum, an approval)."""
    return base > 0 and Decimal(count) >= ratio * base
