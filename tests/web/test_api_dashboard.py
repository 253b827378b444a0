"""/api/v1/dashboard and /api/v1/dashboard/holders: the page's figures and board as JSON."""

from __future__ import annotations


def test_the_figures_of_the_demo(demo_story, client, bearer):
    """Counted in tests/unit/test_dashboard.py from workflow/demo/: 25 dossiers, 17 running, 2 in the council."""
    body = client.get("/api/v1/dashboard", headers=bearer("thuky")).get_json()
    assert body["total"] == 25 and body["running"] == 17
    assert body["by_state"]["in_council"] == 2
    assert body["outcomes"]["awarded"] == 4
    assert {"title_code": "CSTD_TINH", "year": 2024, "count": 1} in body["nominations_by_title"]


def test_the_board_most_urgent_first(demo_story, client, bearer):
    """Nothing is late on the story day; the clock-running dossiers come first, the nearest due date first: the
    first round's Phòng GD&ĐT dossier awaits the chairman, due on 30 June 2025 (10 working days left)."""
    rows = client.get("/api/v1/dashboard/holders?limit=3", headers=bearer("noivu")).get_json()
    assert len(rows) == 3
    first = rows[0]
    assert (first["holder"], first["holder_name"], first["state"]) == (
        "chairman", "UBND huyện Ngọc Hồi", "awaiting_decision",
    )  # fmt: skip
    assert (first["due_on"], first["days_left"], first["overdue"]) == ("2025-06-30", 10, False)


def test_filters_and_bad_input(demo_story, client, bearer, user):
    headers = bearer("thuky")
    unit_id = user("canbo.pgddt").unit_id
    rows = client.get(f"/api/v1/dashboard/holders?unit={unit_id}", headers=headers).get_json()
    assert {row["unit_name"] for row in rows} == {"Phòng Giáo dục và Đào tạo"}
    refused = client.get("/api/v1/dashboard?procedure=nonsense", headers=headers)
    assert refused.status_code == 422 and "procedure" in refused.get_data(as_text=True)


def test_in_the_openapi_document(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/dashboard" in paths and "/api/v1/dashboard/holders" in paths
