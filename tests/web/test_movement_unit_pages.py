"""A movement's yearly pages (Luật Thi đua, khen thưởng 2022 Điều 8; Nghị định 98/2023 Điều 4: units register each
year and report on the movement): Phòng Nội vụ sets the year's deadlines, sees who registered and how each report
stands, reminds the others (once a day) and reviews or returns the reports; the unit registers before the deadline
(afterwards the page says so with the date) and sends its report, again after a return. The suite's day is Monday
16 June 2025."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import MovementRegistration, OutboxMessage, UnitReport, db
from tests.conftest import PDF_BYTES, AuthActions, csrf_token_from
from tests.workflow_helpers import launched_movement
from workflow.movements import registrations

NAME = "Phong trào thi đua “Chung sức xây dựng nông thôn mới”"


@pytest.fixture
def movement(demo, user):
    """A launched movement of Ngọc Hồi district with two content items (keyed nd1, nd2 by position)."""
    row = launched_movement(user("noivu").unit.authority_id, NAME, ["Phát triển kinh tế", "Xây dựng nông thôn mới"])
    db.session.commit()
    return row


@pytest.fixture
def browser(app):
    def login(username: str):
        client = app.test_client()
        AuthActions(client).login(username)
        return client

    return login


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def post(client, url: str, data: dict, page: str | None = None):
    token = csrf_token_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, content_type="multipart/form-data")


def set_dates(client, movement, year: int, registration_due: str = "", report_due: str = ""):
    url = f"/movements/{movement.id}/years/{year}"
    return post(client, f"{url}/dates", {"registration_due": registration_due, "report_due": report_due}, url)


def registered(movement) -> int:
    return db.session.scalar(select(func.count()).where(MovementRegistration.movement_id == movement.id))


def pdf(name: str = "ke-hoach.pdf"):
    return (io.BytesIO(PDF_BYTES), name)


def test_the_unit_registers_and_the_office_sees_it(movement, browser, user):
    office = browser("noivu")
    response = set_dates(office, movement, 2025, registration_due="2025-06-30")
    assert response.status_code == 302
    assert "Đã lưu hạn đăng ký và hạn báo cáo năm 2025." in text_of(office.get(response.headers["Location"]))

    unit = browser("canbo.pleikan")
    url = f"/movements/{movement.id}/registration/2025"
    page = text_of(unit.get(url))
    for text in ("Đăng ký thi đua năm 2025", "Hạn đăng ký: hết ngày 30/06/2025.", "Tập thể lao động xuất sắc",
                 "Chiến sĩ thi đua cơ sở", "Phát triển kinh tế", "Xây dựng nông thôn mới"):  # fmt: skip
        assert text in page, text
    response = post(unit, url, {
        "collective_title": "TLDXS", "individual_CSTDCS": "3", "individual_LDTT": "25",
        "target_nd1": "Thu ngân sách tăng 10%", "target_nd2": "", "commitments": "Hoàn thành 19/19 tiêu chí",
        "plan": pdf(),
    })  # fmt: skip
    assert response.status_code == 302
    page = text_of(unit.get(response.headers["Location"]))
    assert "Đã lưu đăng ký thi đua năm 2025 của đơn vị." in page
    assert "Đơn vị đã đăng ký ngày 16/06/2025" in page
    assert "Chiến sĩ thi đua cơ sở: 3" in page and "Thu ngân sách tăng 10%" in page and "ke-hoach.pdf" in page

    row = db.session.scalar(select(MovementRegistration).where(MovementRegistration.movement_id == movement.id))
    assert (row.collective_title, row.individual_targets) == ("TLDXS", {"CSTDCS": 3, "LDTT": 25})
    office_page = text_of(office.get(f"/movements/{movement.id}/years/2025"))
    # The district's units in 2025 with a unit officer or head: Plei Kần, Đắk Xú, Phòng GD&ĐT, Phòng Nội vụ, and
    # the units without accounts; one of them registered.
    assert "Đã đăng ký ngày 16/06/2025" in office_page
    assert re.search(r"Đã đăng ký: 1/\d+ đơn vị", office_page)
    plan = office.get(f"/movement-registrations/{row.id}/plan")
    assert plan.status_code == 200 and plan.data == PDF_BYTES
    plan.close()
    assert browser("canbo.dakxu").get(f"/movement-registrations/{row.id}/plan").status_code == 403


def test_registration_after_the_deadline_is_refused_with_the_date(movement, browser):
    office = browser("noivu")
    assert set_dates(office, movement, 2025, registration_due="2025-03-31").status_code == 302
    unit = browser("canbo.pleikan")
    url = f"/movements/{movement.id}/registration/2025"
    response = unit.get(url)
    assert "Đã hết hạn đăng ký thi đua năm 2025 (hạn cuối: 31/03/2025)." in text_of(response)
    assert 'data-testid="registration-form"' not in response.get_data(as_text=True)
    # Sent anyway (a page kept open since March): refused with the same words, nothing written.
    response = post(unit, url, {"collective_title": "TLDXS"})
    assert response.status_code == 422
    assert "Đã hết hạn đăng ký thi đua năm 2025 (hạn cuối: 31/03/2025)." in text_of(response)
    assert registered(movement) == 0


def test_bad_registration_comes_back_with_each_error_beside_its_field(movement, browser):
    unit = browser("canbo.pleikan")
    url = f"/movements/{movement.id}/registration/2025"
    response = post(unit, url, {"individual_LDTT": "hai mươi", "plan": (io.BytesIO(b"just text"), "ke-hoach.pdf")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="individual_LDTT-error">Phải là số nguyên từ 0 đến 100000\.', html)
    assert 'value="hai mươi"' in html
    # The number is read before the file: with the number right, the file is refused next to its own field.
    response = post(unit, url, {"individual_LDTT": "20", "plan": (io.BytesIO(b"just text"), "ke-hoach.pdf")})
    assert response.status_code == 422
    assert re.search(r'id="plan-error">Định dạng tệp không được chấp nhận', response.get_data(as_text=True))
    assert registered(movement) == 0


def test_remind_shows_the_count_and_a_second_remind_the_same_day_sends_nothing(movement, browser, user):
    registrations.register(
        db.session, movement, registrations.RegistrationInput(2025), actor=user("canbo.pleikan"),
        today=date(2025, 6, 16),
    )  # fmt: skip
    db.session.commit()
    office = browser("noivu")
    url = f"/movements/{movement.id}/years/2025"
    response = post(office, f"{url}/remind", {}, url)
    # Not registered and with someone to write to: Xã Đắk Xú (officer, head), Phòng Giáo dục và Đào tạo (officer,
    # head), Phòng Nội vụ (its head). Plei Kần registered; the other units have no accounts.
    assert "Đã nhắc 3 đơn vị" in text_of(office.get(response.headers["Location"]))
    reminders = (
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == registrations.REMINDER_TOPIC)
    )
    assert db.session.scalar(reminders) == 5

    response = post(office, f"{url}/remind", {}, url)
    page = text_of(office.get(response.headers["Location"]))
    assert "Không có đơn vị nào cần nhắc thêm" in page and "Đã nhắc" not in page
    assert db.session.scalar(reminders) == 5


def report_of(movement, user) -> UnitReport:
    return db.session.scalar(
        select(UnitReport).where(
            UnitReport.movement_id == movement.id, UnitReport.unit_id == user.unit_id, UnitReport.year == 2024
        )
    )


def test_report_submitted_returned_submitted_again_and_reviewed(movement, browser, user):
    office = browser("noivu")
    assert set_dates(office, movement, 2024, report_due="2025-06-30").status_code == 302
    unit = browser("canbo.pleikan")
    home = text_of(unit.get("/unit"))
    assert "Phong trào thi đua" in home and "Báo cáo năm 2024" in home and "hạn 30/06/2025" in home

    url = f"/movements/{movement.id}/report/2024"
    response = post(unit, url, {"figure_nd1": "12 mô hình", "version": "1"})
    assert response.status_code == 422
    assert re.search(r'id="document-error">Cần đính kèm văn bản báo cáo\.', response.get_data(as_text=True))
    assert report_of(movement, user("canbo.pleikan")).state == "due"

    report = report_of(movement, user("canbo.pleikan"))
    response = post(unit, url, {
        "figure_nd1": "12 mô hình", "figure_nd2": "Đạt 19/19 tiêu chí", "summary": "Hoàn thành kế hoạch",
        "version": str(report.version), "document": pdf("bao-cao-2024.pdf"),
    })  # fmt: skip
    assert response.status_code == 302
    assert "Đã gửi báo cáo năm 2024 lên Phòng Nội vụ." in text_of(unit.get(response.headers["Location"]))

    year_page = f"/movements/{movement.id}/years/2024"
    page = text_of(office.get(year_page))
    assert "Đã nộp, chờ xem xét" in page and "Đạt 19/19 tiêu chí" in page
    document = office.get(f"/movement-reports/{report.id}/document")
    assert document.status_code == 200 and document.data == PDF_BYTES
    document.close()

    # A return needs its reason: without one the office reads why, beside the box, and nothing changes.
    db.session.refresh(report)
    response = post(office, f"/movement-reports/{report.id}/return", {"comment": " ", "version": str(report.version)},
                    year_page)  # fmt: skip
    assert response.status_code == 422
    assert "Vui lòng ghi lý do trả lại để đơn vị bổ sung." in text_of(response)
    db.session.refresh(report)
    assert report.state == "submitted"
    response = post(
        office,
        f"/movement-reports/{report.id}/return",
        {"comment": "Thiếu số liệu nội dung 2 theo từng thôn", "version": str(report.version)},
        year_page,
    )
    assert "Đã trả lại báo cáo năm 2024 cho Thị trấn Plei Kần." in text_of(office.get(response.headers["Location"]))

    page = text_of(unit.get(url))
    assert "Phòng Nội vụ trả lại báo cáo: Thiếu số liệu nội dung 2 theo từng thôn" in page
    assert "bị trả lại, cần bổ sung" in text_of(unit.get("/unit"))
    db.session.refresh(report)
    # Sent again without a new file: the first document stays.
    response = post(unit, url, {"figure_nd1": "12 mô hình", "figure_nd2": "Thôn 1: 19; thôn 2: 18",
                                "version": str(report.version)})  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(report)
    response = post(office, f"/movement-reports/{report.id}/review", {"version": str(report.version)}, year_page)
    assert "Đã xem xét báo cáo năm 2024 của Thị trấn Plei Kần." in text_of(office.get(response.headers["Location"]))
    db.session.refresh(report)
    assert (report.state, report.document_name) == ("reviewed", "bao-cao-2024.pdf")
    assert report.figures["nd2"] == "Thôn 1: 19; thôn 2: 18"
    page = text_of(unit.get(url))
    assert "Đã xem xét" in page and 'data-testid="report-form"' not in unit.get(url).get_data(as_text=True)
    assert "Báo cáo năm 2024" not in text_of(unit.get("/unit"))


def test_a_late_report_shows_its_working_days_overdue(movement, browser):
    office = browser("noivu")
    # Due Tuesday 10 June 2025; by Monday 16 June: 11, 12, 13 and 16 June, four working days.
    assert set_dates(office, movement, 2024, report_due="2025-06-10").status_code == 302
    assert "Quá hạn 4 ngày làm việc" in text_of(office.get(f"/movements/{movement.id}/years/2024"))
    assert "Quá hạn 4 ngày làm việc" in text_of(browser("canbo.pleikan").get("/unit"))


def test_only_the_reports_unit_and_the_office_act_on_it(movement, browser, user):
    assert set_dates(browser("noivu"), movement, 2024, report_due="2025-06-30").status_code == 302
    report = report_of(movement, user("canbo.pleikan"))
    other = browser("canbo.dakxu")
    token = csrf_token_from(other.get("/unit").get_data(as_text=True))
    assert other.post(f"/movement-reports/{report.id}/review", data={"csrf_token": token}).status_code == 403
    assert other.get(f"/movement-reports/{report.id}/document").status_code == 403
    assert browser("canbo.pleikan").get(f"/movements/{movement.id}/years/2024").status_code == 403
    assert browser("noivu").get(f"/movements/{movement.id}/registration/2025").status_code == 403


def test_the_movement_page_links_each_role_to_its_pages(movement, browser):
    office = text_of(browser("noivu").get(f"/movements/{movement.id}"))
    assert "Đăng ký và báo cáo của các đơn vị" in office and "Kiểm tra, đôn đốc" in office
    unit = browser("canbo.pleikan")
    page = text_of(unit.get(f"/movements/{movement.id}"))
    assert "Đăng ký thi đua, báo cáo của đơn vị" in page and "Đăng ký và báo cáo của các đơn vị" not in page
    response = unit.get(f"/movements/{movement.id}/registration")
    assert response.headers["Location"].endswith(f"/movements/{movement.id}/registration/2025")


def test_an_english_reader_reads_the_year_page_in_english(movement, browser, user):
    user("noivu").language = "en"
    db.session.commit()
    office = browser("noivu")
    assert set_dates(office, movement, 2024, report_due="2025-06-10").status_code == 302
    page = text_of(office.get(f"/movements/{movement.id}/years/2024"))
    for text in ("Registrations and reports for 2024", "Remind to register", "Overdue by 4 working days",
                 "Not registered", "Yearly report due date"):  # fmt: skip
        assert text in page, text
    assert "Nhắc đăng ký" not in page
