"""PUT /api/v1/nominations/{id}/past-years/{year}: the unit declares an earlier year's discipline, and from July
2025 only the achievements after it count toward CSTĐ tỉnh (Decree 152/2025, E10)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, NomineeYear, RegistryEntry, db
from tests.workflow_helpers import count, table_counts
from workflow.accounts.tokens import issue_token
from workflow.dossiers.appraisal import evaluate
from workflow.dossiers.editing import NomineeInput, add_nomination


@pytest.fixture
def call(client, user):
    tokens = {}

    def send(username: str, method: str, path: str, body: dict | None = None):
        if username not in tokens:
            tokens[username] = issue_token(db.session, user(username)).token
            db.session.commit()
        return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {tokens[username]}"})

    return send


@pytest.fixture
def candidate(make_dossier, user):
    """A CSTĐ tỉnh 2024 nomination of a person holding CSTĐCS 2022, 2023 and 2024 and a provincial initiative."""
    dossier = make_dossier(nominees=(), year=2024)
    nomination = add_nomination(
        db.session,
        dossier,
        actor=user("canbo.pleikan"),
        data=NomineeInput(
            kind="person", full_name="Lê Thị Hoa", title_code="CSTD_TINH", date_of_birth=date(1985, 4, 2),
            annual_rating="excellent", months_of_service=12,
        ),
    )  # fmt: skip
    for year in (2022, 2023, 2024):
        db.session.add(
            RegistryEntry(
                nominee_id=nomination.nominee_id, title_code="CSTDCS", year=year, decision_number=f"{year}/QĐ",
                decision_date=date(year + 1, 1, 10), deciding_authority="UBND huyện Ngọc Hồi", basis="regular",
            )
        )  # fmt: skip
    db.session.commit()
    return nomination


def _e6(nomination, on: date) -> str:
    verdict = evaluate(db.session, nomination, today=on, basis="review")
    return next(f for f in verdict.findings if f.rule == "E6").message


def test_a_discipline_declared_for_2022_voids_the_cstdcs_of_that_year_from_july_2025(call, candidate):
    path = f"/api/v1/nominations/{candidate.id}/past-years/2022"
    before = count(AuditEntry)
    response = call("canbo.pleikan", "PUT", path, {"annual_rating": "complete", "discipline_status": "warning"})
    assert response.status_code == 200
    assert response.json == {
        "year": 2022, "annual_rating": "complete", "months_of_service": None, "discipline_status": "warning",
    }  # fmt: skip
    assert count(AuditEntry) == before + 1
    # Only achievements from 2023 count: CSTĐCS 2023, 2024 are two of the three years CSTĐ tỉnh 2024 needs.
    assert "CSTĐCS 2022–2024: 2023, 2024 (thiếu 2022)" in _e6(candidate, date(2025, 8, 1))
    listed = call("truong.pleikan", "GET", f"/api/v1/nominations/{candidate.id}/past-years").json
    assert [(row["year"], row["discipline_status"]) for row in listed] == [(2022, "warning")]


def test_the_year_under_review_and_years_too_far_back_are_refused_naming_the_field(call, candidate):
    call("canbo.pleikan", "GET", f"/api/v1/nominations/{candidate.id}/past-years")  # the token is issued first
    before = table_counts()
    for year in (2024, 2013):
        response = call("canbo.pleikan", "PUT", f"/api/v1/nominations/{candidate.id}/past-years/{year}", {})
        assert response.status_code == 422
        assert "year" in response.json["errors"]
    bad = call("canbo.pleikan", "PUT", f"/api/v1/nominations/{candidate.id}/past-years/2023", {"months_of_service": 13})
    assert bad.status_code == 422 and "months_of_service" in bad.json["errors"]
    assert table_counts() == before
    assert db.session.scalar(select(NomineeYear).where(NomineeYear.year == 2023)) is None


def test_only_the_units_officer_may_declare_while_the_dossier_is_with_the_unit(call, candidate):
    path = f"/api/v1/nominations/{candidate.id}/past-years/2023"
    assert call("canbo.dakxu", "PUT", path, {}).status_code == 403
    assert call("noivu", "PUT", path, {}).status_code == 403
