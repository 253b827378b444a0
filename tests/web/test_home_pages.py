"""Every demo account lands on its role's home in Vietnamese, and each home lists exactly the dossiers that role has
to act on or follow: the expected lists are written out from the demo's stories, never read from the queries."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Dossier, Unit, db
from workflow.demo.council import PAST_DOSSIER_TITLE
from workflow.demo.forwarding import DOSSIER_TITLE as FORWARDED_TITLE

HOMES = [
    ("admin", "/admin", "Quản trị hệ thống"),
    ("noivu", "/office", "Hồ sơ mới nộp, chờ tiếp nhận"),
    ("truong.noivu", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    ("thuky", "/secretary", "Số hồ sơ theo trạng thái"),
    ("chutich", "/chairman", "Quyết định chờ ký"),
    *[(f"uyvien{i}", "/council", "Phiên họp sắp tới của Hội đồng") for i in range(1, 8)],
    ("canbo.pleikan", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.pleikan", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    ("canbo.dakxu", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.dakxu", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    ("canbo.pgddt", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.pgddt", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
    # The district's successor from 1 July 2025.
    ("vanphong.xa", "/office", "Hồ sơ mới nộp, chờ tiếp nhận"),
    ("thuky.xa", "/secretary", "Số hồ sơ theo trạng thái"),
    ("chutich.xa", "/chairman", "Quyết định chờ ký"),
    ("uyvien.xa1", "/council", "Phiên họp sắp tới của Hội đồng"),
    ("uyvien.xa2", "/council", "Phiên họp sắp tới của Hội đồng"),
    ("canbo.vhxh", "/unit", "Hồ sơ đang soạn thảo"),
    ("truong.vhxh", "/unit", "Hồ sơ chờ Thủ trưởng ký duyệt"),
]


@pytest.mark.parametrize(("username", "home", "next_step"), HOMES)
def test_every_demo_account_lands_on_its_role_home_in_vietnamese(demo, client, auth, username, home, next_step):
    page = auth.login(username, follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == home
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert next_step in html


# --- what each home lists, and what it must not ---------------------------------------------------------------------

# The demo's dossier titles by the state the demo brings them to (workflow/demo/dossiers.py STORIES).
TITLE = {
    "draft": "Đề nghị công nhận Lao động tiên tiến năm 2025 (đang soạn)",
    "awaiting_head": "Đề nghị công nhận Lao động tiên tiến năm 2025 (chờ ký)",
    "submitted": "Đề nghị công nhận Lao động tiên tiến năm 2024",
    "returned": "Đề nghị công nhận Lao động tiên tiến năm 2024 (bổ sung)",
    "accepted": "Đề nghị công nhận Lao động tiên tiến năm 2023",
    "withdrawn": "Đề nghị công nhận Lao động tiên tiến năm 2023 (rút)",
    "rejected": "Đề nghị công nhận Lao động tiên tiến năm 2022",
}
# The dossier each unit sent to the council's first June round (workflow/demo/council.py): Plei Kần's and Đắk Xú's
# closed by the chairman's decision of 12 June 2025 (workflow/demo/decisions.py), Phòng Giáo dục's awaiting one.
FIRST_ROUND = PAST_DOSSIER_TITLE
STILL_AWAITING_DECISION = {"pgddt"}
# Plei Kần's CSTĐ tỉnh, sent up to the province (workflow/demo/forwarding.py): still in progress for the unit.
FORWARDED = {"pleikan": FORWARDED_TITLE}
UNITS = {"pleikan": "Thị trấn Plei Kần", "dakxu": "Xã Đắk Xú", "pgddt": "Phòng Giáo dục và Đào tạo"}
CARD = re.compile(r'<section class="col-lg-6" aria-labelledby="wl-(\w+)">(.*?)</section>', re.S)
ITEM = re.compile(r"</a> — (.*?) <span class=\"text-muted\">\((.*?)\)</span>")


@pytest.fixture
def demo_dossiers(demo_story):
    """The whole demo (tests/conftest.py::demo_story)."""


def listed(client, auth, username: str, path: str) -> dict[str, set[tuple[str, str]]]:
    """Each card of the home page → the (title, unit) of every dossier in it."""
    auth.login(username)
    html = client.get(path).get_data(as_text=True)
    return {key: set(ITEM.findall(body)) for key, body in CARD.findall(html)}


@pytest.mark.parametrize("unit", ["pleikan", "dakxu", "pgddt"])
def test_a_unit_officer_sees_only_the_units_own_drafts_returns_and_dossiers_under_review(
    demo_dossiers, client, auth, unit
):
    cards = listed(client, auth, f"canbo.{unit}", "/unit")
    own = UNITS[unit]
    first_round = {(FIRST_ROUND, own)} if unit in STILL_AWAITING_DECISION else set()
    first_round |= {(FORWARDED[unit], own)} if unit in FORWARDED else set()
    assert cards == {
        "drafts": {(TITLE["draft"], own)},
        "returned": {(TITLE["returned"], own)},
        "in_progress": {(TITLE["submitted"], own), (TITLE["accepted"], own), *first_round},
    }


def test_a_unit_head_sees_what_awaits_the_signature_and_what_is_under_review(demo_dossiers, client, auth):
    cards = listed(client, auth, "truong.dakxu", "/unit")
    own = UNITS["dakxu"]
    assert cards == {
        "awaiting_head": {(TITLE["awaiting_head"], own)},
        "in_progress": {(TITLE["submitted"], own), (TITLE["accepted"], own)},
    }


def test_the_office_sees_every_units_new_and_accepted_dossiers_and_nothing_overdue_yet(demo_dossiers, client, auth):
    cards = listed(client, auth, "noivu", "/office")
    assert cards == {
        "submitted": {(TITLE["submitted"], name) for name in UNITS.values()},
        "overdue": set(),
        # Plei Kần's and Đắk Xú's are on the agenda of the story day's council session.
        "accepted": {(TITLE["accepted"], UNITS["pgddt"])},
    }


def test_only_dossiers_whose_clock_runs_are_overdue_for_the_office_and_the_secretary(demo_dossiers, client, auth):
    """An accepted dossier past its due date is overdue; a returned one (clock paused) or a withdrawn one with an
    old due date is not."""
    pleikan = db.session.scalar(select(Unit.id).where(Unit.code == "TT-PLEIKAN"))
    past = date.today() - timedelta(days=40)
    for state in ("accepted", "returned", "withdrawn"):
        dossier = db.session.scalar(select(Dossier).where(Dossier.unit_id == pleikan, Dossier.title == TITLE[state]))
        dossier.due_on = past  # test setup: the clock columns, never the state
    db.session.commit()
    expected = {(TITLE["accepted"], UNITS["pleikan"])}
    assert listed(client, auth, "noivu", "/office")["overdue"] == expected
    auth.logout()
    assert listed(client, auth, "thuky", "/secretary")["overdue"] == expected


def test_the_secretary_counts_every_state_of_the_authority(demo_dossiers, client, auth):
    auth.login("thuky")
    html = client.get("/secretary").get_data(as_text=True)
    rows = dict(re.findall(r'<tr><td>([^<]+)</td><td class="text-end">(\d+)</td></tr>', html))
    # Three demo units, one dossier of each of their path's states each; two accepted ones are on the story day's
    # agenda; of the first-round dossiers, two are closed by the chairman's decision and one awaits a decision.
    expected = {
        "Đang soạn": "3",
        "Chờ Thủ trưởng ký": "3",
        "Đã nộp": "3",
        "Trả lại bổ sung": "3",
        "Đã tiếp nhận": "1",
        "Đang xét tại Hội đồng": "2",
        "Chờ quyết định": "1",
        "Hoàn thành": "2",
        "Đã rút": "3",
        "Không chấp nhận": "3",
    }
    for label, count in expected.items():
        assert rows.get(label) == count, (label, rows)


# --- the officer's first step ----------------------------------------------------------------------------------------

FIRST_CONTROL = re.compile(r"<(a|button)\b([^>]*)>(.*?)</\1>", re.S)


@pytest.mark.parametrize(
    "username",
    # The successor commune receives dossiers from 1 July 2025 (docs/DOMAIN.md §3.3); the district until 30 June.
    ["canbo.pleikan", pytest.param("canbo.vhxh", marks=pytest.mark.today("2025-07-02"))],
)
def test_a_unit_officers_home_opens_with_the_button_to_start_a_dossier(demo, client, auth, username):
    auth.login(username)
    html = client.get("/unit").get_data(as_text=True)
    tag, attributes, text = FIRST_CONTROL.search(html, html.index("<main")).groups()
    assert (tag, text.strip()) == ("a", "Tạo hồ sơ mới")
    assert 'href="/dossiers/new"' in attributes
    assert client.get("/dossiers/new").status_code == 200


@pytest.mark.parametrize(
    ("username", "home"), [("truong.pleikan", "/unit"), ("truong.noivu", "/unit"), ("noivu", "/office")]
)
def test_a_unit_head_and_the_office_are_not_offered_a_new_dossier(demo, client, auth, username, home):
    """Only a unit's officer drafts dossiers: the head signs them, the office receives them."""
    auth.login(username)
    assert "Tạo hồ sơ mới" not in client.get(home).get_data(as_text=True)


@pytest.mark.today("2025-07-02")
def test_after_the_district_ended_its_units_officer_is_told_where_new_dossiers_go_instead_of_a_dead_end(
    demo, client, auth
):
    """Ngọc Hồi district ended on 30 June 2025 (docs/DOMAIN.md §3.3): a new dossier of Plei Kần would be refused."""
    auth.login("canbo.pleikan")
    page = html.unescape(client.get("/unit").get_data(as_text=True))
    assert "Tạo hồ sơ mới" not in page
    assert "hồ sơ mới gửi UBND xã Plei Kần" in page


def test_before_the_successor_commune_exists_its_officer_is_told_from_when(demo, client, auth):
    auth.login("canbo.vhxh")
    page = html.unescape(client.get("/unit").get_data(as_text=True))
    assert "Tạo hồ sơ mới" not in page
    assert "chỉ nhận hồ sơ từ ngày 01/07/2025" in page
