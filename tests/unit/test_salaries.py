from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, BaseSalary, db
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.rules.money import base_salary_on
from workflow.rules.salaries import add_base_salary, base_salaries


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(BaseSalary))


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "base_salary")))


def test_administrator_adds_a_dated_base_salary_that_applies_from_its_date(demo, user):
    row = add_base_salary(
        db.session,
        effective_from=date(2026, 7, 1),
        amount_vnd=2_530_000,
        legal_source="  Nghị định 999/2026/NĐ-CP ",
        actor=user("admin"),
    )

    assert base_salary_on(db.session, date(2026, 6, 30)).amount_vnd == 2_340_000
    assert base_salary_on(db.session, date(2026, 7, 1)) == row
    assert row.legal_source == "Nghị định 999/2026/NĐ-CP"
    assert base_salaries(db.session)[0] == row
    [entry] = audit_entries()
    assert (entry.action, entry.actor_id, entry.entity_id) == ("base_salary_added", user("admin").id, row.id)
    assert entry.data == {
        "effective_from": "2026-07-01",
        "amount_vnd": 2_530_000,
        "legal_source": "Nghị định 999/2026/NĐ-CP",
    }


def test_a_second_base_salary_for_the_same_date_is_refused_and_nothing_is_written(demo, user):
    before = rows()

    with pytest.raises(InvalidInput) as error:
        add_base_salary(
            db.session,
            effective_from=date(2024, 7, 1),
            amount_vnd=2_500_000,
            legal_source="Nghị định 73/2024/NĐ-CP",
            actor=user("admin"),
        )

    assert error.value.errors == {
        "effective_from": ["Đã có mức lương cơ sở áp dụng từ ngày 01/07/2024; mỗi ngày chỉ có một mức."]
    }
    assert rows() == before and audit_entries() == []


def test_every_bad_field_is_reported_at_once(demo, user):
    before = rows()

    with pytest.raises(InvalidInput) as error:
        add_base_salary(db.session, effective_from=None, amount_vnd=-5, legal_source="  ", actor=user("admin"))

    assert error.value.errors == {
        "effective_from": ["Vui lòng nhập ngày áp dụng."],
        "amount_vnd": ["Mức lương cơ sở phải là số dương."],
        "legal_source": ["Vui lòng nhập văn bản quy định mức lương cơ sở (ví dụ: Nghị định 73/2024/NĐ-CP)."],
    }
    assert rows() == before and audit_entries() == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "Mức lương cơ sở phải là số dương."), (2**31, "Mức lương cơ sở tối đa 2.147.483.647 đồng.")],
)
def test_an_amount_outside_what_can_be_stored_is_refused(demo, user, amount, message):
    with pytest.raises(InvalidInput) as error:
        add_base_salary(
            db.session, effective_from=date(2026, 7, 1), amount_vnd=amount, legal_source="NĐ", actor=user("admin")
        )

    assert error.value.errors == {"amount_vnd": [message]}


def test_only_an_administrator_may_add_a_base_salary(demo, user):
    with pytest.raises(PermissionDenied):
        add_base_salary(
            db.session,
            effective_from=date(2026, 7, 1),
            amount_vnd=2_530_000,
            legal_source="Nghị định 999/2026/NĐ-CP",
            actor=user("noivu"),
        )

    assert base_salary_on(db.session, date(2026, 7, 1)).amount_vnd == 2_340_000
