import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEntry, BaseSalary, RuleSet, db
from tests.conftest import csrf_token_from
from workflow.core.today import local_today
from workflow.rules.money import base_salary_on
from workflow.rules.rulesets import rule_set_in_force

RULESETS = "/admin/rulesets"
SALARIES = "/admin/base-salaries"


def rule_set_id(code: str) -> int:
    return db.session.scalar(select(RuleSet.id).where(RuleSet.code == code, RuleSet.active.is_(True)))


def salary_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(BaseSalary))


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def text_of(html: str) -> str:
    """The page's text with tags and runs of white space collapsed, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def admin(demo, client, auth):
    auth.login("admin")
    return client


def test_the_list_shows_every_rule_set_with_its_period_source_and_the_one_in_force(admin):
    html = admin.get(RULESETS).get_data(as_text=True)
    page = text_of(html)

    for code in ("2018-2023", "2024-2025", "2025-07"):
        assert f'data-code="{code}" data-revision="1"' in html
    assert "01/01/2024 – 30/06/2025" in page and "01/07/2025 – nay" in page
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP" in page
    in_force = rule_set_in_force(db.session, local_today())
    assert re.search(rf'data-code="{in_force.code}"[^<]*>(?:(?!</tr>).)*Có hiệu lực hôm nay', html, re.S)
    assert "Bộ quy định có hiệu lực hôm nay" in page


def test_the_list_shows_the_province_layer_with_its_authority_and_target(admin):
    html = admin.get(RULESETS).get_data(as_text=True)

    layer = re.search(r'data-code="kon-tum".*?</tr>', html, re.S).group(0)
    assert "Ủy ban nhân dân tỉnh Kon Tum" in layer and "2024-2025" in layer
    assert "Quyết định của UBND tỉnh Kon Tum (ví dụ cấu hình)" in layer


def test_a_rule_set_page_shows_every_entry_with_its_legal_source(admin):
    html = admin.get(f"{RULESETS}/{rule_set_id('2024-2025')}").get_data(as_text=True)
    page = text_of(html)

    tldtt = text_of(re.search(r'data-title="TLDTT".*?</tr>', html, re.S).group(0))
    assert "Tập thể lao động tiên tiến" in tldtt and "Tập thể" in tldtt and " 0,8 " in tldtt
    assert "Nghị định 98/2023/NĐ-CP, Điều 54" in tldtt
    assert "không có" in text_of(re.search(r'data-title="GIA_DINH_VAN_HOA".*?</tr>', html, re.S).group(0))
    assert "Chủ tịch UBND cấp huyện LDTT Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 80" in page
    assert "Thời hạn giải quyết: 20 ngày làm việc kể từ khi nhận đủ hồ sơ." in page
    assert "Báo cáo thành tích có xác nhận của Thủ trưởng đơn vị" in page
    cap = text_of(re.search(r'data-key="cstdcs_cap_ratio".*?</tr>', html, re.S).group(0))
    assert "0.15" in cap and " có " in cap and "Nghị định 91/2017/NĐ-CP, Điều 9" in cap
    assert 'data-key="applies_to_rule_sets"' not in html


def test_the_province_layer_page_names_its_authority_and_target(admin):
    page = text_of(admin.get(f"{RULESETS}/{rule_set_id('kon-tum')}").get_data(as_text=True))

    assert "Quy định riêng của Ủy ban nhân dân tỉnh Kon Tum · áp dụng cho 2024-2025" in page
    assert "cstdcs_cap_ratio" in page


def test_an_unknown_rule_set_is_a_404(admin):
    assert admin.get(f"{RULESETS}/999999").status_code == 404


@pytest.mark.parametrize("username", ["noivu", "thuky"])
def test_the_standing_office_and_secretary_may_read_the_rules(demo, client, auth, username):
    auth.login(username)

    assert client.get(RULESETS).status_code == 200
    assert client.get(f"{RULESETS}/{rule_set_id('2018-2023')}").status_code == 200
    html = client.get(SALARIES).get_data(as_text=True)
    assert "2.340.000" in html and "Thêm mức lương cơ sở" not in html


@pytest.mark.parametrize("username", ["canbo.pleikan", "truong.pleikan", "chutich", "uyvien1"])
def test_other_users_cannot_open_the_rule_pages(demo, client, auth, username):
    auth.login(username)

    assert client.get(RULESETS).status_code == 403
    assert client.get(f"{RULESETS}/{rule_set_id('2024-2025')}").status_code == 403
    assert client.get(SALARIES).status_code == 403


def test_the_base_salary_page_lists_the_rows_with_their_sources_and_the_current_one(admin):
    html = admin.get(SALARIES).get_data(as_text=True)
    page = text_of(html)

    current = base_salary_on(db.session, local_today())
    assert f"{current.effective_from:%d/%m/%Y} Đang áp dụng" in page and page.count("Đang áp dụng") == 1
    assert "2.340.000 Nghị định 73/2024/NĐ-CP" in page
    assert "01/07/2019 1.490.000 Nghị định 38/2019/NĐ-CP" in page
    assert '<label class="form-label" for="amount_vnd">Mức lương cơ sở (đồng/tháng)</label>' in html


def post_salary(client, **form):
    token = csrf_token_from(client.get(SALARIES).get_data(as_text=True))
    return client.post(SALARIES, data={**form, "csrf_token": token})


def test_administrator_adds_a_base_salary_and_sees_it_listed(admin):
    response = post_salary(
        admin, effective_from="2099-07-01", amount_vnd="2530000", legal_source="Nghị định 999/2099/NĐ-CP"
    )

    assert response.status_code == 302 and response.headers["Location"] == SALARIES
    page = text_of(admin.get(SALARIES).get_data(as_text=True))
    assert "Đã thêm mức lương cơ sở áp dụng từ ngày 01/07/2099." in page
    assert "01/07/2099 2.530.000 Nghị định 999/2099/NĐ-CP" in page
    row = db.session.scalar(select(BaseSalary).where(BaseSalary.effective_from == date(2099, 7, 1)))
    assert row.amount_vnd == 2_530_000
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_type == "base_salary")) == (
        "base_salary_added"
    )


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        (
            {"effective_from": "2024-07-01", "amount_vnd": "2500000", "legal_source": "NĐ 73/2024"},
            ["Đã có mức lương cơ sở áp dụng từ ngày 01/07/2024; mỗi ngày chỉ có một mức."],
        ),
        (
            {"effective_from": "2026-07-01", "amount_vnd": "-2530000", "legal_source": ""},
            [
                "Mức lương cơ sở phải là số dương.",
                "Vui lòng nhập văn bản quy định mức lương cơ sở (ví dụ: Nghị định 73/2024/NĐ-CP).",
            ],
        ),
        (
            {"effective_from": "", "amount_vnd": "", "legal_source": "NĐ"},
            ["Vui lòng nhập ngày áp dụng.", "Vui lòng nhập mức lương cơ sở."],
        ),
        (
            {"effective_from": "2026-02-30", "amount_vnd": "2.530.000", "legal_source": "NĐ"},
            [
                "Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2026-07-01.",
                "Nhập số tiền bằng chữ số, không có dấu chấm, ví dụ 2340000.",
            ],
        ),
    ],
)
def test_bad_input_gets_a_422_with_each_fields_message_and_writes_nothing(admin, form, messages):
    before = (salary_rows(), audit_rows())

    response = post_salary(admin, **form)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in messages:
        assert 'class="invalid-feedback d-block"' in html and message in html
    assert (salary_rows(), audit_rows()) == before


def test_the_standing_office_cannot_add_a_base_salary(demo, client, auth):
    auth.login("noivu")
    token = csrf_token_from(client.get(SALARIES).get_data(as_text=True))

    response = client.post(
        SALARIES,
        data={"effective_from": "2026-07-01", "amount_vnd": "2530000", "legal_source": "NĐ", "csrf_token": token},
    )

    assert response.status_code == 403
    assert salary_rows() == 3
