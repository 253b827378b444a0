"""Returns for supplements under the one-stop rule, and the unit's answer to them (workflow/dossiers/supplements.py).

The rule (Nghị định 61/2018, one-stop handling; docs/DOMAIN.md): the receiving office names everything missing once,
completely; a later return may only repeat items of that first list; the unit resubmits once each item asked for
has been supplied or explained."""

import io

import pytest
from sqlalchemy import select

from models import AuditEntry, Document, db
from tests.conftest import PDF_BYTES
from workflow.core.errors import GuardFailed, InvalidInput
from workflow.dossiers import attachments
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps

MINUTES = "doc:bien_ban_hop_xet"


@pytest.fixture
def submitted(make_dossier, user):
    def make():
        dossier = make_dossier()
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        db.session.commit()
        return dossier

    return make


def upload(app, dossier, officer, kind: str, content: bytes, nomination=None) -> Document:
    from pathlib import Path

    return service.add_document(
        db.session,
        dossier,
        actor=officer,
        kind=kind,
        stream=io.BytesIO(content),
        filename=f"{kind}.pdf",
        upload_dir=Path(app.config["UPLOAD_DIR"]),
        nomination=nomination,
    )


def test_resubmitting_without_supplying_what_was_asked_is_refused_by_name(submitted, user):
    dossier = submitted()
    steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=[MINUTES])
    db.session.commit()
    with pytest.raises(GuardFailed) as refused:
        steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"))
    assert refused.value.failures == [
        "Chưa bổ sung mục Phòng Nội vụ yêu cầu: Biên bản họp xét thi đua, khen thưởng của đơn vị. Tải lên bản mới, "
        "sửa thông tin, hoặc ghi giải trình cho mục này."
    ]
    assert dossier.state == "returned"


def test_a_new_version_of_the_asked_document_lets_the_dossier_go_back(app, submitted, user):
    dossier = submitted()
    steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=[MINUTES])
    officer = user("canbo.pleikan")
    upload(app, dossier, officer, "bien_ban_hop_xet", PDF_BYTES + b"% signed\n")
    steps.resubmit(db.session, dossier, actor=officer)
    assert dossier.state == "submitted"


def test_a_written_explanation_answers_an_item_too_and_is_kept_with_the_resubmission(submitted, user):
    dossier = submitted()
    steps.return_for_supplement(
        db.session, dossier, actor=user("noivu"), missing_items=[MINUTES, "Xác nhận của công đoàn"]
    )
    explanations = {MINUTES: "Biên bản đã có chữ ký, bản scan cũ bị mờ.", "note:Xác nhận của công đoàn": "Không có"}
    steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"), explanations=explanations)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resubmit"))
    assert entry.data["explanations"] == explanations


def test_a_second_return_may_only_name_items_of_the_first_list(app, submitted, user):
    dossier = submitted()
    office, officer = user("noivu"), user("canbo.pleikan")
    steps.return_for_supplement(db.session, dossier, actor=office, missing_items=[MINUTES])
    upload(app, dossier, officer, "bien_ban_hop_xet", PDF_BYTES + b"% v2\n")
    steps.resubmit(db.session, dossier, actor=officer)
    db.session.commit()

    with pytest.raises(GuardFailed) as refused:
        steps.return_for_supplement(db.session, dossier, actor=office, missing_items=[MINUTES, "doc:to_trinh"])
    assert len(refused.value.failures) == 1
    assert "Tờ trình đề nghị khen thưởng kèm danh sách" in refused.value.failures[0]
    assert "lần trả lại sau chỉ được nêu lại các mục của lần trả lại đầu tiên" in refused.value.failures[0]
    db.session.rollback()

    # The same item, still not right, may be named again.
    steps.return_for_supplement(db.session, dossier, actor=office, missing_items=[MINUTES])
    assert dossier.state == "returned"


def test_the_api_may_name_items_by_their_checklist_label(submitted, user):
    dossier = submitted()
    steps.return_for_supplement(
        db.session, dossier, actor=user("noivu"), missing_items=["Biên bản họp xét thi đua, khen thưởng của đơn vị"]
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "return_for_supplement"))
    assert [item["key"] for item in entry.data["asked"]] == [MINUTES]


def test_a_per_nominee_document_needs_its_nominee(app, make_dossier, user):
    dossier = make_dossier(complete=False)
    with pytest.raises(InvalidInput) as refused:
        upload(app, dossier, user("canbo.pleikan"), "bao_cao_thanh_tich", PDF_BYTES)
    assert refused.value.errors == {
        "nomination_id": [
            "Báo cáo thành tích có xác nhận của Thủ trưởng đơn vị là tài liệu riêng của từng người: chọn người/tập "
            "thể của tài liệu này."
        ]
    }


def test_a_wrongly_attached_document_is_moved_and_the_original_kept(app, make_dossier, user):
    dossier = make_dossier(complete=False)
    officer = user("canbo.pleikan")
    an, binh = dossier.nominations
    wrong = upload(app, dossier, officer, "bao_cao_thanh_tich", PDF_BYTES, nomination=an)
    moved = attachments.reassign_document(db.session, wrong, actor=officer, kind="bao_cao_thanh_tich", nomination=binh)
    assert (wrong.removed, moved.nomination_id, moved.content_hash) == (True, binh.id, wrong.content_hash)
    reports = {i.nomination_id: i.satisfied for i in service.checklist(db.session, dossier).items if i.nomination_id}
    assert reports == {an.id: False, binh.id: True}
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.dossier_id == dossier.id)).all()
    assert "document_reassigned" in actions


def test_a_removed_document_no_longer_counts_but_stays_on_record(app, make_dossier, user):
    dossier = make_dossier()
    officer = user("canbo.pleikan")
    minutes = next(d for d in dossier.documents if d.kind == "bien_ban_hop_xet")
    attachments.remove_document(db.session, minutes, actor=officer)
    assert [i.kind for i in service.checklist(db.session, dossier).missing] == ["bien_ban_hop_xet"]
    assert db.session.get(Document, minutes.id).removed is True
