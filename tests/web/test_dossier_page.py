"""The dossier page as the unit and Phòng Nội vụ use it: refusals shown where the action was pressed, uploads of
several files at once with the nominee required where the kind needs one, the checklist after a return, and the
office's view of what changed since it returned the dossier."""

import html
import io
import re

from sqlalchemy import func, select

from models import Document, db
from tests.conftest import PDF_BYTES, csrf_token_from
from workflow.dossiers import transitions as steps

MINUTES = "doc:bien_ban_hop_xet"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_and_token(client, dossier) -> tuple[str, str]:
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    return page, csrf_token_from(page)


def press(client, dossier, trigger: str, **fields):
    _, token = page_and_token(client, dossier)
    data = {"csrf_token": token, "version": str(dossier.version), **fields}
    return client.post(f"/dossiers/{dossier.id}/actions/{trigger}", data=data)


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def returned(make_dossier, user, items=(MINUTES,)):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=list(items))
    db.session.commit()
    return dossier


def test_sending_an_empty_dossier_to_the_head_is_refused_on_the_dossier_page(make_dossier, client, auth):
    dossier = make_dossier(nominees=(), complete=False)
    auth.login("canbo.pleikan")
    response = press(client, dossier, "submit_to_head")
    assert response.status_code == 422
    text = text_of(response)
    assert dossier.code in text and 'data-testid="refused"' in text  # the dossier page, not an error page
    refusal = text[text.index('data-testid="refused"') :]
    assert "Thêm ít nhất một người hoặc tập thể ở mục “Danh sách đề nghị”" in refusal
    assert "Thiếu tài liệu: Tờ trình đề nghị khen thưởng kèm danh sách. Tải lên ở mục “Thành phần hồ sơ”." in refusal


def test_signing_without_ticking_the_box_says_which_box_next_to_the_dialog(make_dossier, client, auth, user):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    db.session.commit()
    auth.login("truong.pleikan")
    response = press(client, dossier, "approve_submission", comment="Đồng ý")
    assert response.status_code == 422
    text = text_of(response)
    card = text[text.index('data-action="approve_submission"') :]
    assert "đánh dấu ô “Tôi đã ký tờ trình đề nghị của đơn vị” rồi bấm lại" in card[: card.index("</details>")]
    assert dossier.state == "awaiting_head"


def test_several_files_go_up_in_one_submission_each_to_its_checklist_item(make_dossier, client, auth):
    dossier = make_dossier(complete=False)
    auth.login("canbo.pleikan")
    page, token = page_and_token(client, dossier)
    # Each file input tells the browser the 20 MB limit (20 × 1024 × 1024 bytes), checked before sending.
    assert set(re.findall(r'type="file"[^>]*data-max-bytes="(\d+)"', page, re.S)) == {"20971520"}
    an = dossier.nominations[0]
    response = client.post(
        f"/dossiers/{dossier.id}/documents",
        data={
            "csrf_token": token,
            "item-file:doc:to_trinh": (io.BytesIO(PDF_BYTES), "To trinh.pdf"),
            f"item-file:doc:bao_cao_thanh_tich:{an.id}": (io.BytesIO(PDF_BYTES + b"%an\n"), "Bao cao An.pdf"),
        },
    )
    assert response.status_code == 302
    placed = {(d.kind, d.nomination_id) for d in dossier.documents}
    assert placed == {("to_trinh", None), ("bao_cao_thanh_tich", an.id)}


def test_a_report_without_its_nominee_is_refused_next_to_the_field_and_nothing_is_kept(make_dossier, client, auth):
    dossier = make_dossier(complete=False)
    auth.login("canbo.pleikan")
    _, token = page_and_token(client, dossier)
    before = documents()
    response = client.post(
        f"/dossiers/{dossier.id}/documents",
        data={
            "csrf_token": token,
            "item-file:doc:to_trinh": (io.BytesIO(PDF_BYTES), "To trinh.pdf"),
            "kind": "bao_cao_thanh_tich",
            "nomination_id": "",
            "file": (io.BytesIO(PDF_BYTES + b"%x\n"), "Bao cao.pdf"),
        },
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "là tài liệu riêng của từng người: chọn người/tập thể của tài liệu này." in text
    assert documents() == before  # the good file of the same submission is not kept either


def test_a_request_over_the_limit_returns_to_the_dossier_with_the_limit_and_what_to_do(
    app, make_dossier, client, auth, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    dossier = make_dossier(complete=False)
    auth.login("canbo.pleikan")
    _, token = page_and_token(client, dossier)
    response = client.post(
        f"/dossiers/{dossier.id}/documents",
        data={"csrf_token": token, "item-file:doc:to_trinh": (io.BytesIO(PDF_BYTES + b"0" * 2_000_000), "big.pdf")},
        follow_redirects=True,
    )
    text = text_of(response)
    assert response.request.path == f"/dossiers/{dossier.id}"
    assert "mỗi tệp tối đa 20 MB" in text and "Hãy nén hoặc chia nhỏ tệp" in text


def test_after_a_return_the_checklist_marks_what_was_asked_until_a_new_version_arrives(
    make_dossier, user, client, auth
):
    dossier = returned(make_dossier, user)
    auth.login("canbo.pleikan")
    page, token = page_and_token(client, dossier)
    statuses = dict(re.findall(r'data-status="(\w+)">.*?class="item-label">([^<]+)<', page, re.S))
    assert statuses.get("asked") == "Biên bản họp xét thi đua, khen thưởng của đơn vị"
    assert "Phòng Nội vụ yêu cầu bổ sung ngày 16/06/2025" in html.unescape(page)

    client.post(
        f"/dossiers/{dossier.id}/documents",
        data={"csrf_token": token, f"item-file:{MINUTES}": (io.BytesIO(PDF_BYTES + b"%v2\n"), "Bien ban.pdf")},
    )
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert 'data-status="asked"' not in page
    box = page[
        page.index('data-testid="missing-items"') : page.index("</section>", page.index('data-testid="missing-items"'))
    ]
    assert "Có bản mới" in box and "Bien ban.pdf" in box


def test_the_office_sees_what_it_asked_and_what_changed_since(app, make_dossier, user, client, auth):
    dossier = returned(make_dossier, user)
    officer = user("canbo.pleikan")
    from pathlib import Path

    from workflow.dossiers import editing as service

    service.add_document(
        db.session,
        dossier,
        actor=officer,
        kind="bien_ban_hop_xet",
        stream=io.BytesIO(PDF_BYTES + b"%v2\n"),
        filename="Bien ban co chu ky.pdf",
        upload_dir=Path(app.config["UPLOAD_DIR"]),
    )
    steps.resubmit(db.session, dossier, actor=officer)
    db.session.commit()
    auth.login("noivu")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    section = page[page.index('data-testid="since-return"') :]
    assert "Đơn vị bổ sung theo yêu cầu trả lại ngày 16/06/2025" in section
    assert "Biên bản họp xét thi đua, khen thưởng của đơn vị" in section and "Bien ban co chu ky.pdf" in section
    assert "Tải lên tài liệu: Bien ban co chu ky.pdf" in section


def test_a_second_return_offers_only_the_first_lists_items_and_says_why(app, make_dossier, user, client, auth):
    dossier = returned(make_dossier, user)
    officer = user("canbo.pleikan")
    steps.resubmit(db.session, dossier, actor=officer, explanations={MINUTES: "Đã ký bổ sung"})
    db.session.commit()
    auth.login("noivu")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    dialog = page[page.index('data-action="return_for_supplement"') :]
    dialog = dialog[: dialog.index("</details>")]
    assert re.findall(r'name="missing_items" value="([^"]+)"', dialog) == [MINUTES]
    assert "Theo nguyên tắc một lần, Phòng Nội vụ đã nêu đủ các mục cần bổ sung ngày 16/06/2025" in dialog


def test_removing_a_nominee_asks_for_confirmation_first(make_dossier, client, auth):
    dossier = make_dossier(complete=False)
    auth.login("canbo.pleikan")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "Bỏ Nguyễn Văn An khỏi hồ sơ?" in page and "Xác nhận bỏ" in page


def test_before_the_button_is_pressed_the_page_says_what_would_refuse_it(make_dossier, client, auth):
    dossier = make_dossier(nominees=("Nguyễn Văn An",), complete=False)
    auth.login("canbo.pleikan")
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    note = page[page.index('data-testid="not-ready"') : page.index("</div>", page.index('data-testid="not-ready"'))]
    # The 2024–2025 checklist of the regular procedure, hand-listed: three items, the report once per nominee.
    assert re.findall(r"Thiếu tài liệu: ([^.]+)\.", note) == [
        "Tờ trình đề nghị khen thưởng kèm danh sách",
        "Báo cáo thành tích có xác nhận của Thủ trưởng đơn vị — Nguyễn Văn An",
        "Biên bản họp xét thi đua, khen thưởng của đơn vị",
    ]


def test_the_timeline_names_nomination_steps_and_keeps_the_units_explanation(
    accepted, make_dossier, user, client, auth
):
    appraised = accepted(nominees=("Nguyễn Văn An",))
    dossier = returned(make_dossier, user)
    steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"), explanations={MINUTES: "Bản cũ đã có chữ ký."})
    db.session.commit()
    auth.login("noivu")
    timeline = text_of(client.get(f"/dossiers/{appraised.id}/timeline"))
    assert "Đề nghị → Đủ điều kiện" in timeline and "proposed" not in timeline
    timeline = text_of(client.get(f"/dossiers/{dossier.id}/timeline"))
    assert "Giải trình của đơn vị:" in timeline and "Bản cũ đã có chữ ký." in timeline


def test_the_list_says_when_a_due_date_will_come_and_when_none_applies(demo_story, client, auth):
    """Plei Kần's demo dossiers (workflow/demo/dossiers.py): its 2023 one was withdrawn and its 2022 one rejected, so no
    clock will ever start; its 2025 draft's clock starts at acceptance."""
    auth.login("canbo.pleikan")
    page = text_of(client.get("/dossiers"))
    cards = re.findall(r'data-testid="dossier-card".*?</li>', page, re.S)
    due = {re.search(r"HS-\d{4}-\d{5}", c).group(): re.sub(r"\s+", " ", re.sub("<[^>]+>", "", c)) for c in cards}
    withdrawn = next(code for code, text in due.items() if "Đã rút" in text)
    rejected = next(code for code, text in due.items() if "Không chấp nhận" in text)
    draft = next(code for code, text in due.items() if "Đang soạn" in text)
    assert "Hạn giải quyết: không áp dụng" in due[withdrawn] and "Hạn giải quyết: không áp dụng" in due[rejected]
    assert "Hạn giải quyết: tính từ khi tiếp nhận" in due[draft]
