"""The nominee form on the dossier page and the edit page (issue 12): required fields are marked, each title
says which kind of nominee it is for, and every problem of a post (the form's own and the service's) comes back in
one 422 response, each under its field, with nothing saved. The suite's day is 16/06/2025; the dossiers are 2025's,
judged by the 2024–2025 rule set (config/rulesets/2024-2025.yaml)."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from models import Nomination, Nominee, NomineeYear, db
from tests.conftest import AuthActions, csrf_token_from

PERSON = {
    "kind": "person", "full_name": "Lê Văn Cường", "date_of_birth": "1985-03-04", "title_code": "LDTT",
    "gender": "", "annual_rating": "good", "months_of_service": "12", "discipline_status": "none",
}  # fmt: skip

# The rule set's titles by the kind of nominee they are for, counted by hand in 2024-2025.yaml.
PERSON_TITLES = {
    "LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", "GIAY_KHEN_CT_HUYEN", "GIAY_KHEN_CT_XA", "BANG_KHEN_CT_TINH",
    "BANG_KHEN_TTG",
}  # fmt: skip
COLLECTIVE_TITLES = {
    "TLDTT", "TLDXS", "CO_THI_DUA_TINH", "CO_THI_DUA_CP", "THON_VAN_HOA", "XA_TIEU_BIEU",
    "GIAY_KHEN_CT_HUYEN_TAP_THE", "GIAY_KHEN_CT_XA_TAP_THE",
}  # fmt: skip
HOUSEHOLD_TITLES = {"GIA_DINH_VAN_HOA"}


class FormParts(HTMLParser):
    """A page's labels as read aloud (visually hidden text included, the aria-hidden "*" shown as such), and the
    options of the title select: value → (data-subject, label, selected)."""

    def __init__(self, page: str):
        super().__init__()
        self.labels: dict[str, str] = {}
        self.titles: dict[str, tuple[str | None, str, bool]] = {}
        self._label: str | None = None
        self._option: dict | None = None
        self._in_titles = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "label" and "for" in names:
            self._label = names["for"]
            self.labels[self._label] = ""
        elif tag == "select":
            self._in_titles = names.get("id") == "title_code"
        elif tag == "option" and self._in_titles:
            self._option = {**names, "text": ""}

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "select":
            self._in_titles = False
        elif tag == "option" and self._option is not None:
            o = self._option
            self.titles[o["value"]] = (o.get("data-subject"), o["text"], "selected" in o)
            self._option = None

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data
        if self._option is not None:
            self._option["text"] += data


@pytest.fixture
def officer(app, make_dossier):
    client = app.test_client()
    AuthActions(client).login("canbo.pleikan")
    client.dossier = make_dossier(nominees=("Nguyễn Văn An",), complete=False)
    return client


def post_nomination(client, form: dict):
    page = client.get(f"/dossiers/{client.dossier.id}").get_data(as_text=True)
    return client.post(f"/dossiers/{client.dossier.id}/nominations", data={**form, "csrf_token": csrf_token_from(page)})


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nomination, Nominee, NomineeYear))


def field_errors(html: str, field: str) -> list[str]:
    marker = f'id="{field}-error">'
    return [part.split("</div>", 1)[0] for part in html.split(marker)[1:]]


def test_the_required_fields_are_marked_and_explained(officer):
    page = officer.get(f"/dossiers/{officer.dossier.id}").get_data(as_text=True)
    labels = FormParts(page).labels
    # What the service refuses to do without: the kind, a name, a title, and a person's birth date.
    assert labels["kind"] == "Loại đối tượng * (bắt buộc)"
    assert labels["full_name"] == "Họ tên / tên tập thể * (bắt buộc)"
    assert labels["title_code"] == "Danh hiệu / hình thức đề nghị * (bắt buộc)"
    assert labels["date_of_birth"] == "Ngày sinh * (bắt buộc)"
    assert labels["national_id"] == "Số định danh cá nhân"
    assert labels["position"] == "Chức vụ, đơn vị công tác"
    assert '<span class="required-mark" aria-hidden="true">*</span> bắt buộc</p>' in page
    nomination = officer.dossier.nominations[0]
    edit = FormParts(officer.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)).labels
    assert edit["full_name"] == "Họ tên / tên tập thể * (bắt buộc)"
    assert edit["achievement"] == "Tóm tắt thành tích"


def test_each_title_says_whom_it_is_for_and_none_is_chosen_in_advance(officer):
    titles = FormParts(officer.get(f"/dossiers/{officer.dossier.id}").get_data(as_text=True)).titles
    assert titles.pop("") == (None, "— Chọn danh hiệu —", True)
    assert {code for code, (kind, _, _) in titles.items() if kind == "person"} == PERSON_TITLES
    assert {code for code, (kind, _, _) in titles.items() if kind == "collective"} == COLLECTIVE_TITLES
    assert {code for code, (kind, _, _) in titles.items() if kind == "household"} == HOUSEHOLD_TITLES
    assert titles["TLDTT"][1] == "Tập thể lao động tiên tiến" and not titles["TLDTT"][2]
    # The edit page keeps the nomination's own title chosen.
    nomination = officer.dossier.nominations[0]
    edit = FormParts(officer.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)).titles
    assert [code for code, (_, _, chosen) in edit.items() if chosen] == ["LDTT"]


def test_three_problems_come_back_together_each_on_its_field_and_nothing_is_saved(officer):
    """No name (the form's own check), born in the future and a collective's title for a person (the service's)."""
    before = counts()
    response = post_nomination(
        officer, {**PERSON, "full_name": "", "date_of_birth": "2025-07-01", "title_code": "TLDTT"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "full_name") == ["Vui lòng nhập họ tên."]
    assert field_errors(html, "date_of_birth") == ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."]
    assert field_errors(html, "title_code") == ["Danh hiệu này không dành cho loại đối tượng đã chọn."]
    assert counts() == before
    # The form comes back open with what was typed, the wrong title still chosen to be corrected.
    assert 'value="2025-07-01"' in html
    assert FormParts(html).titles["TLDTT"][2]


def test_an_unreadable_field_and_the_services_problems_come_back_together(officer):
    before = counts()
    response = post_nomination(officer, {**PERSON, "months_of_service": "mười hai", "date_of_birth": "2011-01-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "months_of_service") == ["Nhập số tháng bằng chữ số, từ 0 đến 12."]
    assert field_errors(html, "date_of_birth") == [
        "Người được đề nghị phải đủ 15 tuổi trong năm thành tích 2025: ngày sinh chậm nhất là 31/12/2010."
    ]
    assert counts() == before


def test_a_missing_title_is_the_title_fields_error(officer):
    response = post_nomination(officer, {**PERSON, "title_code": ""})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "title_code") == [
        "Vui lòng chọn danh hiệu / hình thức đề nghị."
    ]


@pytest.mark.parametrize(
    ("born", "status"), [("2010-12-31", 302), ("2011-01-01", 422)], ids=["turns-15-in-2025", "turns-14-in-2025"]
)
def test_the_youngest_nominee_turns_15_in_the_achievement_year(officer, born, status):
    response = post_nomination(officer, {**PERSON, "date_of_birth": born})
    assert response.status_code == status
    saved = db.session.scalar(select(Nominee).where(Nominee.full_name == "Lê Văn Cường"))
    assert (saved.date_of_birth if saved else None) == (date(2010, 12, 31) if status == 302 else None)


def test_the_edit_page_reports_every_problem_in_one_round_and_changes_nothing(officer):
    nomination = officer.dossier.nominations[0]
    url = f"/nominations/{nomination.id}/edit"
    token = csrf_token_from(officer.get(url).get_data(as_text=True))
    response = officer.post(
        url,
        data={**PERSON, "full_name": " ", "date_of_birth": "2030-01-01", "title_code": "TLDXS", "csrf_token": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "full_name") == ["Vui lòng nhập họ tên."]
    assert field_errors(html, "date_of_birth") == ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."]
    assert field_errors(html, "title_code") == ["Danh hiệu này không dành cho loại đối tượng đã chọn."]
    db.session.expire_all()
    kept = db.session.get(Nomination, nomination.id)
    assert (kept.nominee.full_name, kept.title_code, kept.revision) == ("Nguyễn Văn An", "LDTT", nomination.revision)


def test_an_english_reader_gets_the_marks_titles_and_errors_in_english(officer):
    page = officer.get("/account/language").get_data(as_text=True)
    officer.post("/account/language", data={"language": "en", "csrf_token": csrf_token_from(page)})
    response = post_nomination(officer, {**PERSON, "date_of_birth": "2025-06-17"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    parts = FormParts(html)
    assert parts.labels["date_of_birth"].endswith(" * (required)")
    assert parts.titles[""][1] == "— Choose a title —"
    assert parts.titles["LDTT"][1] == "Advanced Worker"
    assert parts.titles["TLDTT"][1] == "Advanced Labour Collective"
    assert field_errors(html, "date_of_birth") == ["The date of birth cannot be later than today (16/06/2025)."]


def test_a_collective_posted_with_every_optional_field_left_empty_is_saved(officer):
    """As the browser sends it: each field present, the numbers not typed sent as empty text."""
    empty = ("national_id", "gender", "position", "annual_rating", "months_of_service", "achievement")
    counts_left_empty = ("member_count", "members_ldtt", "members_cstdcs", "members_completed", "members_disciplined")
    form = {"kind": "collective", "full_name": "Tổ Một cửa", "title_code": "TLDTT", "discipline_status": "none"}
    response = post_nomination(officer, {**form, **dict.fromkeys(empty + counts_left_empty, "")})
    assert response.status_code == 302
    saved = db.session.scalar(select(Nominee).where(Nominee.full_name == "Tổ Một cửa"))
    assert (saved.kind, saved.date_of_birth) == ("collective", None)
