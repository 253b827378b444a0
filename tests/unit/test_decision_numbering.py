"""Decision numbers (Decree 30/2020; docs/DOMAIN.md §7): one register per authority, type and calendar year,
taken at signature in the signing transaction, so numbers are consecutive, never shared, and start again at 1 on
1 January. Golden-book numbers (sổ vàng): one per awardee, taken in the same transaction from one running count per
authority that no year resets, consecutive in Article 1's order and never shared, even between signings dated in
different years (which hold different yearly registers)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from models import Decision, NumberRegister, RegistryEntry, db
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


def test_two_decisions_give_their_awardees_consecutive_golden_book_numbers_across_the_new_year(demo, user):
    # Article 1 of the first: the LĐTT lines before the CSTĐCS one (as the rule sets list the titles), and within
    # LĐTT by given name, An before Bình: 1, 2, 3. The second, signed in the next year, goes on at 4 while its
    # decision number starts again at 1.
    first = awaiting_signature(
        user,
        awaiting_decision(year=2024, names=("Trần Thị Bình", "Nguyễn Văn An")),
        awaiting_decision(year=2024, names=("Lê Văn Cường",), title="CSTDCS"),
    )
    signing.sign_decision(db.session, first, actor=user("chutich"), signed_on=date(2024, 12, 30))
    db.session.commit()
    second = awaiting_signature(user, awaiting_decision(year=2024, names=("Phạm Thị Dung",)))
    signing.sign_decision(db.session, second, actor=user("chutich"), signed_on=date(2025, 1, 2))
    db.session.commit()
    assert (first.number_text, second.number_text) == ("1/QĐ-UBND", "1/QĐ-UBND")
    entries = db.session.execute(
        select(RegistryEntry.golden_book_number, RegistryEntry.nominee_id).order_by(RegistryEntry.id)
    ).all()
    names = {e.nominee_id: e.nominee.full_name for e in db.session.scalars(select(RegistryEntry))}
    assert sorted((number, names[nominee]) for number, nominee in entries) == [
        ("1", "Nguyễn Văn An"),
        ("2", "Trần Thị Bình"),
        ("3", "Lê Văn Cường"),
        ("4", "Phạm Thị Dung"),
    ]
    golden = db.session.scalar(select(NumberRegister).where(NumberRegister.doc_type == "SV"))
    assert (golden.year, golden.last_number) == (0, 4)


def _sign_at_once(app, user, decision_ids: list[int], days: list[date | None]) -> list[str]:
    """Every decision signed by the chairman in its own thread, all released together; each signing retries while
    SQLite asks a simultaneous writer to. The outcome of each thread."""
    chairman_id = user("chutich").id
    db.session.remove()
    barrier = threading.Barrier(len(decision_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def chairman_signs(decision_id: int, day: date | None):
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
                        signing.sign_decision(db.session, decision, actor=actor, signed_on=day)
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

    threads = [threading.Thread(target=chairman_signs, args=args) for args in zip(decision_ids, days, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_twenty_decisions_signed_at_once_get_twenty_consecutive_numbers(app, demo, user):
    decision_ids = [awaiting_signature(user, awaiting_decision(names=(f"Người số {i}",))).id for i in range(20)]
    assert _sign_at_once(app, user, decision_ids, [None] * 20) == ["signed"] * 20
    numbers = db.session.scalars(select(Decision.number).where(Decision.year == 2025)).all()
    assert sorted(numbers) == list(range(1, 21))
    registers = db.session.execute(select(NumberRegister.doc_type, NumberRegister.last_number)).all()
    assert sorted(tuple(r) for r in registers) == [("QĐ", 20), ("SV", 20)]
    golden = db.session.scalars(select(RegistryEntry.golden_book_number)).all()
    assert sorted(golden, key=int) == [str(n) for n in range(1, 21)]


@pytest.mark.today("2025-01-02")
def test_twenty_signings_at_once_across_the_new_year_never_share_a_golden_book_number(app, demo, user):
    # Ten dated 30 December 2024 and ten 2 January 2025 hold two different yearly registers; the golden book's one
    # row still makes them take turns: decision numbers 1–10 in each year, golden-book numbers 1–20 once each.
    decision_ids = [
        awaiting_signature(user, awaiting_decision(year=2024, names=(f"Người số {i}",))).id for i in range(20)
    ]
    days = [date(2024, 12, 30) if i % 2 else date(2025, 1, 2) for i in range(20)]
    assert _sign_at_once(app, user, decision_ids, days) == ["signed"] * 20
    for year in (2024, 2025):
        numbers = db.session.scalars(select(Decision.number).where(Decision.year == year)).all()
        assert sorted(numbers) == list(range(1, 11))
    golden = db.session.scalars(select(RegistryEntry.golden_book_number)).all()
    assert sorted(golden, key=int) == [str(n) for n in range(1, 21)]
