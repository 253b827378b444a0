"""The dashboard page as the secretary and the office use it: reached from their home, its counts open the dossier
list they count, its board says who holds what, and bad filters get a clear answer."""

from __future__ import annotations

import re

import pytest

from models import Dossier, db


def _codes(html: str) -> set[str]:
    return set(re.findall(r"HS-\d{4}-\d{5}", html))


@pytest.mark.parametrize("username", ["thuky", "noivu"])
def test_the_home_page_leads_to_the_dashboard(demo, client, auth, username):
    auth.login(username)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/dashboard"' in home and "Bảng theo dõi" in home


def test_every_count_opens_the_list_it_counts(demo_story, client, auth):
    auth.login("thuky")
    page = client.get("/dashboard").get_data(as_text=True)
    # Two dossiers are in the council (the story session's agenda: Plei Kần's and Đắk Xú's accepted ones).
    link = re.search(
        r'<tr data-state="in_council"><td>[^<]*</td><td class="text-end"><a href="([^"]+)"[^>]*>2</a>', page
    )
    assert link, "the in_council count is a link"
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    expected = {d.code for d in db.session.scalars(db.select(Dossier).where(Dossier.state == "in_council"))}
    assert len(expected) == 2
    assert _codes(listed) == expected


def test_the_holder_counts_open_the_holders_dossiers(demo_story, client, auth):
    """Phòng Nội vụ holds the three submitted dossiers and Phòng GD&ĐT's accepted one (workflow/demo/dossiers.py)."""
    auth.login("thuky")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/dossiers?holder=office"' in page
    listed = client.get("/dossiers?holder=office").get_data(as_text=True)
    assert len(_codes(listed)) == 4
    assert "Đang ở: Phòng Nội vụ" in listed


def test_the_board_shows_who_holds_each_dossier(demo_story, client, auth):
    auth.login("noivu")
    page = client.get("/dashboard").get_data(as_text=True)
    for holder in ("Cán bộ thi đua đơn vị", "Thủ trưởng đơn vị", "Hội đồng Thi đua – Khen thưởng", "Chủ tịch UBND",
                   "Cấp trên (tỉnh)"):  # fmt: skip
        assert holder in page
    assert "Ủy ban nhân dân tỉnh Kon Tum" in page  # the province holding the forwarded CSTĐ tỉnh
    assert page.count('data-testid="board-row"') == 2 * 17  # 17 running dossiers, as cards and as table rows


def test_filters_narrow_the_page_and_its_refresh(demo_story, client, auth, user):
    auth.login("thuky")
    unit_id = user("canbo.pgddt").unit_id
    page = client.get(f"/dashboard?unit={unit_id}&year=2023").get_data(as_text=True)
    # Phòng GD&ĐT's 2023 dossiers: accepted (running) and withdrawn.
    assert page.count('data-testid="board-row"') == 2
    assert f'hx-get="/dashboard/live?year=2023&amp;unit={unit_id}"' in page
    live = client.get(f"/dashboard/live?unit={unit_id}&year=2023")
    assert live.status_code == 200 and live.get_data(as_text=True).count('data-testid="board-row"') == 2


def test_the_charts_carry_their_figures_and_tables(demo_story, client, auth):
    auth.login("thuky")
    page = client.get("/dashboard").get_data(as_text=True)
    for chart in ("states", "outcomes", "titles", "months"):
        assert f'data-testid="chart-{chart}"' in page
    assert "vendor/chart.umd.min.js" in page and "js/dashboard.js" in page
    # The outcomes' table: 4 awarded of 5 outcomes (the first round: 2 + 2 awarded, A Tuấn not approved).
    assert re.search(r"Được khen thưởng</td><td class=\"text-end\">4</td><td class=\"text-end\">80.0 %", page)


@pytest.mark.parametrize("query", ["procedure=nonsense", "year=abc", "unit=-1", "movement=99999999999"])
def test_bad_filters_are_a_clear_error(demo, client, auth, query):
    auth.login("thuky")
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 422


def test_the_dossier_list_keeps_the_dashboards_filters(demo_story, client, auth):
    auth.login("thuky")
    listed = client.get("/dossiers?overdue=1").get_data(as_text=True)
    assert _codes(listed) == set()  # nothing of the demo is late on the story day
    assert "Bỏ các bộ lọc này" in listed
    assert client.get("/dossiers?holder=council&overdue=2").status_code == 422
