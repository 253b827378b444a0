"""GET /api/v1/nominations/{id}/money and /api/v1/dossiers/{id}/money: the multiple, the base salary in force and
its date, the amount rounded up to 10,000 VND, and whether it is an estimate; `as_of` simulates another day.

Expected figures by hand from the law: LĐTT is 0.3 × the base salary (Decree 98/2023 Art. 54); the base salary is
1,490,000 VND from 1 Jul 2019, 1,800,000 from 1 Jul 2023 and 2,340,000 from 1 Jul 2024."""

from __future__ import annotations

import pytest

from models import db
from tests.workflow_helpers import table_counts
from workflow.accounts.tokens import issue_token


@pytest.fixture
def dossier(make_dossier):
    return make_dossier(nominees=("Nguyễn Văn An", "Trần Thị Bình"))


@pytest.fixture
def read(client, user, dossier):
    """GET as a user with a token issued beforehand, so the call itself adds no row."""
    tokens = {}

    def call(username: str, path: str):
        if username not in tokens:
            tokens[username] = issue_token(db.session, user(username)).token
            db.session.commit()
        return client.get(path, headers={"Authorization": f"Bearer {tokens[username]}"})

    return call


def test_a_draft_ldtt_is_estimated_on_today_with_the_base_salary_in_force(read, dossier):
    nomination = dossier.nominations[0]
    money = read("canbo.pleikan", f"/api/v1/nominations/{nomination.id}/money").json
    # 16 June 2025: 0.3 × 2,340,000 = 702,000, rounded up to 710,000.
    assert {key: money[key] for key in money if key not in ("explanation", "source", "base_salary_source")} == {
        "nomination_id": nomination.id,
        "title_code": "LDTT",
        "rule_set": "2024-2025",
        "on": "2025-06-16",
        "estimate": True,
        "simulation": False,
        "multiple": "0.3",
        "base_salary_vnd": 2_340_000,
        "base_salary_from": "2024-07-01",
        "amount_vnd": 710_000,
    }
    assert "73/2024" in money["base_salary_source"]
    assert "Điều 54" in money["source"]


@pytest.mark.parametrize(
    ("as_of", "rule_set", "base_salary", "since", "amount"),
    [
        # 0.3 × 1,800,000 = 540,000 exactly.
        ("2024-03-01", "2024-2025", 1_800_000, "2023-07-01", 540_000),
        # 0.3 × 1,490,000 = 447,000, rounded up to 450,000; the draft is judged by the law of that day.
        ("2023-06-01", "2018-2023", 1_490_000, "2019-07-01", 450_000),
    ],
)
def test_as_of_prices_with_the_law_and_salary_of_that_day_and_writes_nothing(
    read, dossier, as_of, rule_set, base_salary, since, amount
):
    nomination = dossier.nominations[0]
    read("noivu", f"/api/v1/dossiers/{dossier.id}/money")  # the token is issued before counting
    before = table_counts()
    money = read("noivu", f"/api/v1/nominations/{nomination.id}/money?as_of={as_of}").json
    assert table_counts() == before
    assert (money["rule_set"], money["base_salary_vnd"], money["base_salary_from"], money["amount_vnd"]) == (
        rule_set,
        base_salary,
        since,
        amount,
    )
    assert money["simulation"] and money["estimate"] and money["on"] == as_of


def test_the_dossier_total_adds_its_lines(read, dossier):
    money = read("truong.pleikan", f"/api/v1/dossiers/{dossier.id}/money").json
    assert [(line["nominee"], line["money"]["amount_vnd"]) for line in money["lines"]] == [
        ("Nguyễn Văn An", 710_000),
        ("Trần Thị Bình", 710_000),
    ]
    assert (money["total_vnd"], money["estimate"], money["simulation"]) == (1_420_000, True, False)


def test_other_units_are_refused_and_bad_days_are_problems_naming_the_field(read, dossier):
    assert read("canbo.dakxu", f"/api/v1/dossiers/{dossier.id}/money").status_code == 403
    response = read("noivu", f"/api/v1/nominations/{dossier.nominations[0].id}/money?as_of=2024-02-30")
    assert response.status_code == 422 and "as_of" in str(response.json)


def test_the_openapi_document_describes_the_money(client, demo):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/nominations/{nomination_id}/money", "/api/v1/dossiers/{dossier_id}/money"):
        parameters = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert "as_of" in parameters
