"""Drafting and signing decisions (docs/DOMAIN.md §3.4, §7). Money: LĐTT is 0.3 × the base salary in force on the
decision date (Decree 98/2023 Art. 54), rounded up to the next 10,000 VND (the rule set's money_round_up_to_vnd):
0.3 × 1,800,000 = 540,000 VND until 30 June 2024 (Decree 24/2023), and 0.3 × 2,340,000 = 702,000, rounded up to
710,000 VND, from 1 July 2024 (Decree 73/2024)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Decision, Dossier, Nomination, RegistryEntry, db
from tests.decision_helpers import awaiting_decision, awaiting_signature, district
from tests.workflow_helpers import table_counts
from workflow.core.audit import verify_chain
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject
from workflow.decisions import drafting, signing


def test_a_draft_cites_the_law_the_proposals_and_lists_the_awardees_by_title(demo, user):
    dossier = awaiting_decision(names=("Trần Thị Bình", "Nguyễn Văn An"))
    decision = drafting.draft_decision(db.session, district(), dossier.nominations, user("noivu"))
    db.session.commit()
    content = decision.content
    assert any("06/2022/QH15" in line for line in content["legal_bases"])
    assert any("98/2023/NĐ-CP" in line for line in content["legal_bases"])
    assert all(line.startswith("Căn cứ ") for line in content["legal_bases"])
    assert not any("30/2020" in line for line in content["legal_bases"])
    assert content["recital"].startswith("Xét đề nghị của Thị trấn Plei Kần")
    assert dossier.code in content["recital"]
    assert content["executors"][-1] == "các cá nhân, tập thể có tên tại Điều 1"
    # Vietnamese name order sorts by the given name: An before Bình.
    assert [i.nomination.nominee.full_name for i in decision.items] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert [i.position for i in decision.items] == [1, 2]
    assert all(i.amount_vnd is None for i in decision.items)
    (group,) = drafting.article_one(db.session, decision)
    assert group.title_code == "LDTT" and [line.amount_vnd for line in group.lines] == [710_000, 710_000]
    assert decision.state == "draft" and decision.number is None


def test_a_draft_refuses_nominations_not_approved_or_already_on_another_decision(demo, user):
    dossier = awaiting_decision(names=("Nguyễn Văn An", "Trần Thị Bình"))
    first, second = dossier.nominations
    drafting.draft_decision(db.session, district(), [first], user("noivu"))
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        drafting.draft_decision(db.session, district(), [first, second], user("noivu"))
    db.session.rollback()
    assert "Nguyễn Văn An" in str(refused.value) and "quyết định khác" in str(refused.value)

    proposed = awaiting_decision(names=("Lê Văn Cường",))
    db.session.execute(
        Nomination.__table__.update().where(Nomination.dossier_id == proposed.id).values(state="eligible")
    )
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(InvalidInput) as refused:
        drafting.draft_decision(db.session, district(), proposed.nominations, user("noivu"))
    db.session.rollback()
    assert "chưa được Hội đồng thông qua" in str(refused.value)
    with pytest.raises(PermissionDenied):
        drafting.draft_decision(db.session, district(), [second], user("chutich"))


def test_a_title_the_district_may_not_decide_is_refused(demo, user):
    dossier = awaiting_decision(title="CSTD_TINH")
    with pytest.raises(InvalidInput) as refused:
        drafting.draft_decision(db.session, district(), dossier.nominations, user("noivu"))
    assert "không thuộc thẩm quyền" in str(refused.value)


def test_the_office_edits_a_draft_and_the_chairman_sends_it_back(demo, user):
    dossier = awaiting_decision(names=("Nguyễn Văn An", "Trần Thị Bình"))
    decision = drafting.draft_decision(db.session, district(), dossier.nominations, user("noivu"))
    db.session.commit()
    an, binh = (i.nomination_id for i in decision.items)
    seen = decision.version
    drafting.update_draft(
        db.session,
        decision,
        actor=user("noivu"),
        content={"recipients": ["Như Điều 2", "Lưu: VT, NV"]},
        items=[drafting.ItemInput(binh, "Hoàn thành xuất sắc nhiệm vụ"), drafting.ItemInput(an, "Hoàn thành tốt")],
        version=seen,
    )
    db.session.commit()
    assert [(i.nomination_id, i.position, i.achievement) for i in decision.items] == [
        (binh, 1, "Hoàn thành xuất sắc nhiệm vụ"),
        (an, 2, "Hoàn thành tốt"),
    ]
    assert decision.content["recipients"] == ["Như Điều 2", "Lưu: VT, NV"]
    with pytest.raises(StaleObject):
        drafting.update_draft(db.session, decision, actor=user("noivu"), summary="Khác", version=seen)
    db.session.rollback()

    signing.submit_for_signature(db.session, decision, actor=user("noivu"))
    db.session.commit()
    with pytest.raises(GuardFailed):
        signing.send_back(db.session, decision, actor=user("chutich"))
    db.session.rollback()
    signing.send_back(db.session, decision, actor=user("chutich"), comment="Sửa thành tích")
    db.session.commit()
    assert decision.state == "draft"


def test_signing_awards_records_and_closes_the_dossier(demo, user):
    dossier = awaiting_decision(names=("Nguyễn Văn An", "Trần Thị Bình"))
    decision = awaiting_signature(user, dossier)
    signing.sign_decision(db.session, decision, actor=user("chutich"), capacity="deputy")
    db.session.commit()

    assert (decision.state, decision.number_text, decision.signed_on) == ("signed", "1/QĐ-UBND", date(2025, 6, 16))
    assert (decision.signer_id, decision.signer_capacity) == (user("chutich").id, "deputy")
    assert [i.amount_vnd for i in decision.items] == [710_000, 710_000]
    nominations = db.session.scalars(select(Nomination).where(Nomination.dossier_id == dossier.id)).all()
    assert [(n.state, n.decision_id) for n in nominations] == [("awarded", decision.id)] * 2
    entries = db.session.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
    assert [(e.nomination_id, e.decision_number, e.decision_date, e.money_vnd) for e in entries] == [
        (n.id, "1/QĐ-UBND", date(2025, 6, 16), 710_000) for n in nominations
    ]
    # The golden book's first two numbers, An before Bình as Article 1 lists them.
    assert [e.golden_book_number for e in entries] == ["1", "2"]
    assert {e.deciding_authority for e in entries} == {"Ủy ban nhân dân huyện Ngọc Hồi"}
    stored = db.session.get(Dossier, dossier.id)
    assert stored.state == "closed" and stored.closed_at is not None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-6:] == ["award", "award", "registry_recorded", "registry_recorded", "decide", "close"]
    assert verify_chain(db.session) is None

    signing.publish(db.session, decision, actor=user("noivu"))
    db.session.commit()
    assert decision.state == "published"


def test_a_dossier_with_a_nomination_still_open_is_decided_but_not_closed(demo, user):
    dossier = awaiting_decision(names=("Nguyễn Văn An", "Trần Thị Bình"))
    decision = drafting.draft_decision(db.session, district(), dossier.nominations[:1], user("noivu"))
    signing.submit_for_signature(db.session, decision, actor=user("noivu"))
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    assert db.session.get(Dossier, dossier.id).state == "decided"
    assert [n.state for n in dossier.nominations] == ["awarded", "approved"]


@pytest.mark.today("2024-07-02")
@pytest.mark.parametrize(("signed_on", "amount"), [(date(2024, 6, 30), 540_000), (date(2024, 7, 1), 710_000)])
def test_money_uses_the_base_salary_in_force_on_the_decision_date(demo, user, signed_on, amount):
    decision = awaiting_signature(user, awaiting_decision(year=2023))
    signing.sign_decision(db.session, decision, actor=user("chutich"), signed_on=signed_on)
    db.session.commit()
    assert [i.amount_vnd for i in decision.items] == [amount]
    assert db.session.scalar(select(RegistryEntry.money_vnd)) == amount
    (group,) = drafting.article_one(db.session, decision)
    assert group.lines[0].money.base_salary_vnd == {540_000: 1_800_000, 710_000: 2_340_000}[amount]


def test_a_refused_signing_writes_nothing(demo, user):
    decision = awaiting_signature(user, awaiting_decision())
    before = table_counts()
    for actor, version, error in (
        (user("noivu"), None, PermissionDenied),
        (user("thuky"), None, PermissionDenied),
        (user("chutich"), decision.version - 1, StaleObject),
    ):
        with pytest.raises(error):
            signing.sign_decision(db.session, decision, actor=actor, version=version)
        db.session.rollback()
    with pytest.raises(GuardFailed):
        signing.sign_decision(db.session, decision, actor=user("chutich"), capacity="secretary")
    db.session.rollback()
    assert table_counts() == before
    assert db.session.get(Decision, decision.id).state == "awaiting_signature"
    assert [n.state for n in decision.items[0].nomination.dossier.nominations] == ["approved"]


def test_a_district_that_has_ended_signs_nothing(demo, user):
    """The district level ended on 30 June 2025 (docs/DOMAIN.md §3.3): a decision it would date 1 July is refused
    (from that day LĐTT is a commune's title, E13)."""
    decision = awaiting_signature(user, awaiting_decision())
    before = table_counts()
    with pytest.raises(GuardFailed) as refused:
        signing.sign_decision(db.session, decision, actor=user("chutich"), signed_on=date(2025, 7, 1))
    db.session.rollback()
    assert "không thuộc thẩm quyền" in str(refused.value)
    assert table_counts() == before
