"""Revoking an award (docs/DOMAIN.md §5 "Revocation"): the office proposes, the chairman signs a numbered revocation
decision, the registry marks the award revoked, the money paid is to be recovered and the unit is told. The money of
an LĐTT signed on 16 June 2025 is 0.3 × 2,340,000 = 702,000, rounded up to 710,000 VND (DOMAIN.md §3.4)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Nomination, OutboxMessage, RegistryEntry, db
from tests.decision_helpers import awaiting_decision, awaiting_signature
from tests.unit.test_eligibility_rules import World, found
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.decisions import revocation, signing


def _awarded(user, name: str = "Nguyễn Văn An", title: str = "LDTT", year: int = 2024) -> RegistryEntry:
    dossier = awaiting_decision(year=year, names=(name,), title=title)
    decision = awaiting_signature(user, dossier)
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    return db.session.scalar(select(RegistryEntry).where(RegistryEntry.nomination_id == dossier.nominations[0].id))


def _revoke(user, entry: RegistryEntry):
    proposal = revocation.propose_revocation(
        db.session, entry, actor=user("noivu"), reason_category="false_documents", comment="Giả mạo báo cáo thành tích"
    )
    db.session.commit()
    revocation.sign_revocation(db.session, proposal, actor=user("chutich"))
    db.session.commit()
    return proposal


def test_a_signed_revocation_is_numbered_marks_the_registry_and_recovers_the_money(demo, user):
    entry = _awarded(user)
    proposal = revocation.propose_revocation(
        db.session, entry, actor=user("noivu"), reason_category="false_documents", comment="Giả mạo báo cáo thành tích"
    )
    db.session.commit()
    assert proposal.state == "awaiting_signature" and proposal.number is None
    assert "Nguyễn Văn An" in proposal.summary and "thu hồi" in proposal.summary

    revocation.sign_revocation(db.session, proposal, actor=user("chutich"))
    db.session.commit()
    # The award took number 1 of 2025 in the district's register; the revocation is the next one.
    assert (proposal.state, proposal.number_text, proposal.signed_on) == ("signed", "2/QĐ-UBND", date(2025, 6, 16))
    assert proposal.content["revokes_number"] == "1/QĐ-UBND"
    assert proposal.content["recover_amount_vnd"] == 710_000
    assert any("Giấy khen" in item or "Giấy chứng nhận" in item for item in proposal.content["recover_items"])
    db.session.refresh(entry)
    assert entry.revoked_at is not None and entry.revoked_by_decision_id == proposal.id
    assert db.session.get(Nomination, entry.nomination_id).state == "revoked"
    event = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "nomination.revoked")).one()
    assert set(event.payload["audiences"]) == {"unit_officers", "unit_heads"}


def test_only_the_office_proposes_and_only_the_chairman_signs(demo, user):
    entry = _awarded(user)
    with pytest.raises(PermissionDenied):
        revocation.propose_revocation(
            db.session, entry, actor=user("canbo.pleikan"), reason_category="fraud", comment="Khai man"
        )
    proposal = revocation.propose_revocation(
        db.session, entry, actor=user("noivu"), reason_category="fraud", comment="Khai man"
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        revocation.sign_revocation(db.session, proposal, actor=user("noivu"))
    db.session.rollback()
    assert db.session.get(RegistryEntry, entry.id).revoked_at is None


def test_a_proposal_needs_a_reason_and_a_standing_award(demo, user):
    entry = _awarded(user)
    with pytest.raises(InvalidInput) as refused:
        revocation.propose_revocation(db.session, entry, actor=user("noivu"), reason_category="whim", comment=" ")
    assert set(refused.value.errors) == {"reason_category", "comment"}
    db.session.rollback()
    _revoke(user, entry)
    with pytest.raises(InvalidInput) as again:
        revocation.propose_revocation(db.session, entry, actor=user("noivu"), reason_category="fraud", comment="x")
    assert "đã bị thu hồi" in again.value.errors["registry_entry_id"][0]


def test_a_revoked_cstdcs_breaks_the_e6_ladder(demo, user):
    # CSTĐ tỉnh 2024 needs CSTĐCS 2022, 2023 and 2024 (DOMAIN.md §4, E6). 2023 is awarded by a signed decision, the
    # others are in the registry: the ladder holds until 2023 is revoked, then 2023 is missing.
    world = World()
    entry = _awarded(user, title="CSTDCS", year=2023)
    candidate = world.nominate(entry.nominee, "CSTD_TINH", 2024)
    world.facts(entry.nominee, 2024)
    world.award(entry.nominee, "CSTDCS", 2022)
    world.award(entry.nominee, "CSTDCS", 2024)
    world.initiative(entry.nominee, 2023, "province")
    assert found(candidate, "E6", date(2025, 3, 1)).severity == "pass"
    _revoke(user, entry)
    broken = found(candidate, "E6", date(2025, 3, 1))
    assert broken.severity == "block"
    assert "(thiếu 2023)" in broken.message
