"""What the movements API lists, decided in workflow/movements/: movements by authority, state and year; a year's
registrations and unit reports (the office sees every unit, a unit only itself); a unit's plan sent on its own; a
stale plan edit is a conflict, not a field error."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from models import Movement, db
from tests.conftest import PDF_BYTES
from workflow.core.errors import InvalidInput, PermissionDenied, StaleObject
from workflow.movements import plans, registrations, reports
from workflow.movements.registrations import RegistrationInput, Upload


@pytest.fixture
def dakto(other_authority, user):
    """A launched movement of Đắk Tô district (two units) for 2024–2025, reports of 2024 due on 25 April 2025."""
    office = user("noivu.dakto")
    row = Movement(
        authority_id=office.unit.authority_id, name="Phong trào “Đắk Tô xanh”", period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31), contents=[{"key": "c1", "title": "Trồng cây", "targets": ["1.000 cây"]}],
        state="launched", launched_on=date(2024, 2, 1),
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    registrations.set_year(db.session, row, 2024, actor=office, registration_due=None, report_due=date(2025, 4, 25))
    db.session.commit()
    return row


def names(rows) -> list[str]:
    return [row.unit.name if hasattr(row, "unit") else row.name for row in rows]


def test_movements_are_listed_by_authority_state_and_year(dakto, user):
    def listed(username: str, **filters) -> list[str]:
        return [m.name for m in db.session.scalars(plans.visible_movements(user(username), **filters))]

    assert listed("canbo.dienbinh") == ["Phong trào “Đắk Tô xanh”"]
    assert listed("canbo.dienbinh", state="draft") == []
    assert listed("canbo.dienbinh", year=2023) == []
    assert listed("canbo.dienbinh", state="launched", year=2025) == ["Phong trào “Đắk Tô xanh”"]
    assert "Phong trào “Đắk Tô xanh”" not in listed("canbo.pleikan")
    assert "Phong trào “Đắk Tô xanh”" in listed("admin")


def test_the_office_sees_every_units_registration_and_a_unit_only_its_own(dakto, user):
    registrations.register(db.session, dakto, RegistrationInput(2025), actor=user("canbo.dienbinh"),
                           today=date(2025, 6, 16))  # fmt: skip
    db.session.commit()
    rows, missing = registrations.registrations_for(db.session, dakto, 2025, actor=user("noivu.dakto"))
    assert (names(rows), names(missing)) == (["Xã Diên Bình"], ["Phòng Nội vụ huyện Đắk Tô"])
    rows, missing = registrations.registrations_for(db.session, dakto, 2025, actor=user("canbo.dienbinh"))
    assert (names(rows), missing) == (["Xã Diên Bình"], [])
    with pytest.raises(PermissionDenied):
        registrations.registrations_for(db.session, dakto, 2025, actor=user("noivu"))
    with pytest.raises(InvalidInput) as outside:
        registrations.registrations_for(db.session, dakto, 2023, actor=user("noivu.dakto"))
    assert "year" in outside.value.errors


def test_a_plan_sent_alone_keeps_the_registered_fields(app, dakto, user):
    officer = user("canbo.dienbinh")
    registrations.register(db.session, dakto, RegistrationInput(2025, content_targets={"c1": "500 cây"}),
                           actor=officer, today=date(2025, 6, 16))  # fmt: skip
    plan = Upload(io.BytesIO(PDF_BYTES), "ke-hoach.pdf")
    row = registrations.attach_plan(
        db.session, dakto, 2025, plan, actor=officer, today=date(2025, 6, 16), upload_dir=Path(app.config["UPLOAD_DIR"])
    )
    db.session.commit()
    assert (row.content_targets, row.plan_name, row.plan_media_type) == ({"c1": "500 cây"}, "ke-hoach.pdf",
                                                                         "application/pdf")  # fmt: skip


def test_reports_are_listed_for_the_office_in_full_and_for_a_unit_its_own(dakto, user):
    assert names(reports.reports_for(db.session, dakto, 2024, actor=user("noivu.dakto"))) == [
        "Phòng Nội vụ huyện Đắk Tô", "Xã Diên Bình"
    ]  # fmt: skip
    assert names(reports.reports_for(db.session, dakto, 2024, actor=user("truong.dienbinh"))) == ["Xã Diên Bình"]
    assert reports.reports_for(db.session, dakto, 2025, actor=user("noivu.dakto")) == []  # no due date set yet
    with pytest.raises(PermissionDenied):
        reports.reports_for(db.session, dakto, 2024, actor=user("canbo.pleikan"))


def test_a_stale_plan_edit_is_a_conflict(other_authority, user):
    office = user("noivu.dakto")
    plan = plans.Plan(name="Phong trào “Đắk Tô sạch”", period_start=date(2024, 1, 1), period_end=date(2025, 12, 31))
    movement = plans.create_movement(db.session, actor=office, plan=plan)
    db.session.commit()
    with pytest.raises(StaleObject):
        plans.update_movement(db.session, movement, actor=office, plan=plan, version=movement.version + 1)


def test_a_reminder_for_a_year_outside_the_movement_is_refused(dakto, user):
    with pytest.raises(InvalidInput) as refused:
        registrations.remind(db.session, dakto, 2026, actor=user("noivu.dakto"), today=date(2025, 6, 16))
    assert "year" in refused.value.errors
