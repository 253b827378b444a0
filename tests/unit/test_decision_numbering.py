"""Decision numbers (Decree 30/2020; docs/DOMAIN.md §7): one register per authority, type and calendar year,
taken at signature in the signing transaction, so numbers are consecutive, never shared, and start again at 1 on
1 January."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from models import Decision, NumberRegister, db
from tests.decision_helpers import awaiting_decision, awaiting_signature, district
from workflow.core.errors import StaleObject
from workflow.decisions import signing
from workflow.decisions.numbering import next_number


def test_a_register_counts_from_one_per_authority_type_and_year(demo):
    authority = district()
    assert [next_number(db.session, authority.id, 2025) for _ in range(3)] == [1, 2, 3]
    assert next_number(db.session, authority.id, 2025, "TTr") == 1
    assert next_number(db.session, authority.id, 2026) == 1
    db.session.commit()
    registers = db.session.scalars(select(NumberRegister).order_by(NumberRegister.id)).all()
    assert [(r.year, r.doc_type, r.last_number) for r in registers] == [
        (2025, "QĐ", 3),
        (2025, "TTr", 1),
        (2026, "QĐ", 1),
    ]


def test_a_rolled_back_signing_gives_its_number_back(demo, user):
    decision = awaiting_signature(user, awaiting_decision())
    assert next_number(db.session, decision.authority_id, 2025) == 1
    db.session.rollback()
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    assert decision.number_text == "1/QĐ-UBND"


@pytest.mark.today("2025-01-02")
def test_the_first_decision_signed_in_january_is_number_one(demo, user):
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        decision = awaiting_signature(user, awaiting_decision(year=2024, names=(name,)))
        signing.sign_decision(db.session, decision, actor=user("chutich"), signed_on=date(2024, 12, 30))
        db.session.commit()
    decision = awaiting_signature(user, awaiting_decision(year=2024, names=("Lê Văn Cường",)))
    signing.sign_decision(db.session, decision, actor=user("chutich"))
    db.session.commit()
    signed = db.session.execute(select(Decision.year, Decision.number).order_by(Decision.id)).all()
    assert [tuple(row) for row in signed] == [(2024, 1), (2024, 2), (2025, 1)]
    assert decision.signed_on == date(2025, 1, 2)


def test_twenty_decisions_signed_at_once_get_twenty_consecutive_numbers(app, demo, user):
    decision_ids = [awaiting_signature(user, awaiting_decision(names=(f"Người số {i}",))).id for i in range(20)]
    chairman_id = user("chutich").id
    db.session.remove()
    barrier = threading.Barrier(len(decision_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def chairman_signs(decision_id: int):
        with app.app_context():
            result = "signed"
            try:
                from models import User

                decision = db.session.get(Decision, decision_id)
                actor = db.session.get(User, chairman_id)
                _ = actor.roles, actor.unit, decision.authority, [i.nomination.dossier for i in decision.items]
                barrier.wait(timeout=30)
                for _attempt in range(50):  # SQLite may ask a simultaneous writer to try again
                    try:
                        signing.sign_decision(db.session, decision, actor=actor)
                        db.session.commit()
                        break
                    except StaleObject:
                        db.session.rollback()
                else:
                    result = "gave up"
            except Exception as error:
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=chairman_signs, args=(did,)) for did in decision_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == ["signed"] * 20
    numbers = db.session.scalars(select(Decision.number).where(Decision.year == 2025)).all()
    assert sorted(numbers) == list(range(1, 21))
    assert db.session.scalar(select(NumberRegister.last_number)) == 20
