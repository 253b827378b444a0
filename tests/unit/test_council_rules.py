"""The rules a council vote follows: the rule set's defaults (quorum 2/3 of the members, 2/3 of the whole membership
agreeing, secret ballot, members of the proposing unit recused; before 2024, 90 % for provincial titles and above
with written votes from absent members), and the council's own overrides (docs/DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Authority, Council, db
from workflow.council.rules import COUNCIL_SOURCE, council_rules, reaches, voting_members


@pytest.fixture
def council(demo) -> Council:
    district = db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))
    return db.session.scalar(select(Council).where(Council.authority_id == district.id))


def test_the_district_council_has_eight_voting_members_the_secretary_does_not_vote(council):
    # The chairman chairs it, seven members sit on it; the secretary keeps the minutes.
    assert len(voting_members(db.session, council, date(2025, 6, 16))) == 8
    # Their term ended with the district.
    assert voting_members(db.session, council, date(2025, 7, 1)) == []


def test_defaults_from_the_2024_2025_rule_set(council):
    rules = council_rules(db.session, council, title_code="LDTT", day=date(2025, 6, 16))
    assert (rules.quorum_ratio, rules.pass_ratio, rules.base, rules.secret, rules.recuse_own_unit) == (
        Decimal("0.6666"),
        Decimal("0.6666"),
        "total",
        True,
        True,
    )
    assert "Quy chế hoạt động của Hội đồng" in rules.sources["quorum_ratio"]


def test_before_2024_provincial_titles_need_ninety_percent_and_absent_members_vote_in_writing(council):
    higher = council_rules(db.session, council, title_code="CSTD_TINH", day=date(2023, 6, 1))
    assert (higher.pass_ratio, higher.absent_vote_in_writing) == (Decimal("0.9"), True)
    assert council_rules(db.session, council, title_code="LDTT", day=date(2023, 6, 1)).pass_ratio == Decimal("0.6666")


def test_the_councils_own_rules_win(council):
    council.pass_ratio = Decimal("0.5")
    council.approval_base = "present"
    council.secret_ballot = False
    rules = council_rules(db.session, council, title_code="CSTD_TINH", day=date(2023, 6, 1))
    assert (rules.pass_ratio, rules.base, rules.secret) == (Decimal("0.5"), "present", False)
    assert rules.sources["pass_ratio"] == COUNCIL_SOURCE


@pytest.mark.parametrize(
    ("count", "base", "reached"),
    [(6, 9, True), (5, 9, False), (6, 8, True), (5, 8, False), (0, 0, False)],
)
def test_two_thirds_at_the_boundary(count, base, reached):
    # 2/3 of 9 is 6 exactly; 2/3 of 8 is 5.33, so 6 are needed.
    assert reaches(count, Decimal("0.6666"), base) is reached
