"""The unit → head → standing office path through the services, as the pages and the API use them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from models import AuditEntry, Document, NominationRevision, Nominee, NomineeYear, OutboxMessage, db
from tests.conftest import PDF_BYTES
from tests.workflow_helpers import audit_and_outbox_counts
from workflow.core.engine import Action, perform
from workflow.core.errors import GuardFailed, InvalidInput, PermissionDenied, StaleObject, TransitionNotAllowed
from workflow.core.machines import DOSSIER
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps
from workflow.reporting.worklists import visible_dossiers


def _upload(dossier, actor, data: bytes, filename: str, kind: str = "to_trinh"):
    return service.add_document(
        db.session,
        dossier,
        actor=actor,
        kind=kind,
        stream=io.BytesIO(data),
        filename=filename,
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
    )


def _stored_files() -> set[Path]:
    root = Path(current_app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_submitting_without_documents_lists_every_missing_item_at_once(make_dossier, user):
    dossier = make_dossier(complete=False)
    before = audit_and_outbox_counts()
    with pytest.raises(GuardFailed) as refused:
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    db.session.rollback()
    failures = refused.value.failures
    # tờ trình, biên bản họp xét, and one báo cáo thành tích per nominee (two nominees)
    assert len(failures) == 4
    assert all(f.startswith("Thiếu tài liệu:") for f in failures)
    assert sum("Nguyễn Văn An" in f for f in failures) == 1 and sum("Trần Thị Bình" in f for f in failures) == 1
    assert db.session.get(type(dossier), dossier.id).state == "draft"
    assert audit_and_outbox_counts() == before


def test_a_dossier_without_nominations_cannot_be_submitted(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=True)
    with pytest.raises(GuardFailed) as refused:
        steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    assert (
        "Hồ sơ chưa có người/tập thể nào được đề nghị. Thêm ít nhất một người hoặc tập thể ở mục “Danh sách đề nghị”."
        in refused.value.failures
    )


def test_the_path_from_unit_to_office_writes_one_audit_entry_and_one_event_per_step(make_dossier, user):
    dossier = make_dossier()
    before_audit, before_outbox = audit_and_outbox_counts()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    steps.accept(db.session, dossier, actor=user("noivu"))
    db.session.commit()
    assert dossier.state == "accepted"
    assert dossier.rule_set is not None and dossier.due_on is not None and dossier.accepted_on is not None
    after_audit, after_outbox = audit_and_outbox_counts()
    assert (after_audit - before_audit, after_outbox - before_outbox) == (3, 3)
    topics = list(db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)))
    assert topics[-3:] == ["dossier.submitted_to_head", "dossier.submitted", "dossier.accepted"]


def test_head_must_confirm_the_signature(make_dossier, user):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    db.session.commit()
    with pytest.raises(GuardFailed) as refused:
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=False)
    assert (
        "Thủ trưởng đơn vị cần xác nhận đã ký tờ trình: đánh dấu ô “Tôi đã ký tờ trình đề nghị của đơn vị” rồi bấm lại."
        in refused.value.failures
    )


def test_officer_cannot_sign_off_and_other_units_cannot_act(make_dossier, user):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    db.session.commit()
    with pytest.raises(PermissionDenied):
        steps.approve_submission(db.session, dossier, actor=user("canbo.pleikan"), sign_off=True)
    with pytest.raises(PermissionDenied):
        steps.approve_submission(db.session, dossier, actor=user("truong.dakxu"), sign_off=True)


def test_wrong_step_names_the_steps_allowed_now(make_dossier, user):
    dossier = make_dossier()
    with pytest.raises(TransitionNotAllowed) as refused:
        steps.accept(db.session, dossier, actor=user("noivu"))
    assert refused.value.allowed == []  # nothing noivu may do to a draft
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(db.session, Action(DOSSIER, dossier, "accept"), actor=user("canbo.pleikan"))
    assert refused.value.allowed == ["submit_to_head", "withdraw"]


def test_a_stale_version_is_refused_with_the_reload_message(make_dossier, user):
    dossier = make_dossier()
    seen = dossier.version
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"), version=seen)
    db.session.commit()
    with pytest.raises(StaleObject) as refused:
        steps.send_back(db.session, dossier, actor=user("truong.pleikan"), comment="Sửa lại", version=seen)
    assert refused.value.message == "Hồ sơ đã được người khác thay đổi, vui lòng tải lại"


def test_return_needs_missing_items_and_reject_needs_a_reason(make_dossier, user):
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    db.session.commit()
    with pytest.raises(GuardFailed):
        steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=["  ", ""])
    db.session.rollback()
    with pytest.raises(GuardFailed):
        steps.reject(db.session, dossier, actor=user("noivu"), reason="không thích")
    db.session.rollback()
    steps.reject(db.session, dossier, actor=user("noivu"), reason="criteria_not_met", comment="Không đạt LĐTT")
    db.session.commit()
    assert (dossier.state, dossier.rejection_reason) == ("rejected", "criteria_not_met")


def test_return_and_resubmit_keep_every_earlier_revision(make_dossier, user):
    officer, office = user("canbo.pleikan"), user("noivu")
    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=officer)
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    steps.return_for_supplement(db.session, dossier, actor=office, missing_items=["doc:to_trinh"])
    db.session.commit()

    nomination = dossier.nominations[0]
    old_achievement = nomination.achievement
    data = service.NomineeInput(
        kind="person",
        full_name=nomination.nominee.full_name,
        title_code="LDTT",
        date_of_birth=nomination.nominee.date_of_birth,
        annual_rating="excellent",
        months_of_service=12,
        achievement="Hoàn thành xuất sắc nhiệm vụ được giao",
    )
    service.update_nomination(db.session, nomination, actor=officer, data=data)
    old_document = next(d for d in dossier.documents if d.kind == "to_trinh")
    _upload(dossier, officer, PDF_BYTES + b"% signed\n", "to-trinh-co-chu-ky.pdf")
    steps.resubmit(db.session, dossier, actor=officer)
    db.session.commit()

    revision = db.session.scalar(select(NominationRevision).where(NominationRevision.nomination_id == nomination.id))
    assert nomination.revision == 2 and revision.revision == 1
    assert revision.snapshot["achievement"] == old_achievement and revision.snapshot["annual_rating"] == "good"
    documents = [d for d in dossier.documents if d.kind == "to_trinh"]
    assert [(d.revision, d.superseded) for d in documents] == [(1, True), (2, False)]
    assert old_document.content_hash != documents[1].content_hash
    assert dossier.state == "submitted"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("../../etc/passwd.pdf", PDF_BYTES, "không được chứa đường dẫn"),
        ("chuong-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "chỉ nhận PDF, DOCX, XLSX, JPG, PNG"),
        ("elf.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "chỉ nhận PDF, DOCX, XLSX, JPG, PNG"),
        ("lon.pdf", PDF_BYTES + b"0" * (30 * 1024 * 1024), "20 MB"),
    ],
    ids=["path-traversal-name", "exe-renamed-pdf", "elf-renamed-pdf", "30-MB"],
)
def test_bad_uploads_are_refused_with_the_reason_and_nothing_is_stored(make_dossier, user, filename, data, message):
    dossier = make_dossier(complete=False)
    files_before = _stored_files()
    documents_before = db.session.scalar(select(db.func.count()).select_from(Document))
    with pytest.raises(InvalidInput) as refused:
        _upload(dossier, user("canbo.pleikan"), data, filename)
    db.session.rollback()
    assert message in " ".join(refused.value.errors["file"])
    assert _stored_files() == files_before
    assert db.session.scalar(select(db.func.count()).select_from(Document)) == documents_before


def test_an_office_document_is_recognised_by_content(make_dossier, user, tmp_path):
    import zipfile

    docx = tmp_path / "bao-cao.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    dossier = make_dossier(complete=False)
    document = _upload(
        dossier, user("canbo.pleikan"), docx.read_bytes(), "Báo cáo thành tích.docx", kind="bien_ban_hop_xet"
    )
    assert document.media_type.endswith("wordprocessingml.document")
    assert document.original_name == "Báo cáo thành tích.docx"


def test_unit_isolation_in_listing(make_dossier, user):
    mine = make_dossier()
    other = make_dossier(officer="canbo.dakxu")
    listed = lambda name: set(db.session.scalars(visible_dossiers(db.session, user(name))))  # noqa: E731
    assert listed("canbo.pleikan") == {mine}
    assert listed("truong.dakxu") == {other}
    assert listed("noivu") == {mine, other}
    assert listed("uyvien3") == set()


def test_every_step_is_in_the_timeline_with_its_comment(make_dossier, user):
    from workflow.core.audit import dossier_timeline

    dossier = make_dossier()
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.send_back(db.session, dossier, actor=user("truong.pleikan"), comment="Bổ sung số liệu")
    db.session.commit()
    actions = [(e.action, e.data.get("comment")) for e in dossier_timeline(db.session, dossier.id)]
    assert actions[0] == ("create", None)
    assert actions[-2:] == [("submit_to_head", ""), ("send_back", "Bổ sung số liệu")]
    assert db.session.scalar(
        select(db.func.count()).select_from(AuditEntry).where(AuditEntry.dossier_id == dossier.id)
    ) == len(actions)


# --- a collective's member counts (E8, E9) ---------------------------------------------------------------------


def _collective(title: str = "TLDXS", **counts) -> service.NomineeInput:
    return service.NomineeInput(kind="collective", full_name="Tổ Một cửa", title_code=title, **counts)


def _year_facts(nomination):
    return db.session.scalar(
        select(NomineeYear).where(NomineeYear.nominee_id == nomination.nominee_id, NomineeYear.year == nomination.year)
    )


def test_a_collectives_member_counts_are_recorded_and_changed(make_dossier, user):
    officer = user("canbo.pleikan")
    dossier = make_dossier(nominees=(), complete=False)
    counts = {"member_count": 10, "members_ldtt": 7, "members_cstdcs": 1, "members_completed": 10}
    nomination = service.add_nomination(
        db.session,
        dossier,
        actor=officer,
        data=_collective(**counts, members_disciplined=1, discipline_status="reprimand"),
    )
    db.session.commit()
    facts = _year_facts(nomination)
    assert (facts.member_count, facts.members_ldtt, facts.members_cstdcs) == (10, 7, 1)
    assert (facts.members_completed, facts.members_disciplined, facts.discipline_status) == (10, 1, "reprimand")
    service.update_nomination(
        db.session, nomination, actor=officer, data=_collective(**counts | {"members_completed": 9})
    )
    db.session.commit()
    facts = _year_facts(nomination)
    assert (facts.members_completed, facts.members_disciplined, facts.discipline_status) == (9, None, "none")
    assert service.nomination_snapshot(db.session, nomination)["members_completed"] == 9


def test_a_persons_member_counts_are_ignored(make_dossier, user):
    dossier = make_dossier(nominees=(), complete=False)
    data = service.NomineeInput(
        kind="person", full_name="Lê Văn Cường", title_code="LDTT", date_of_birth=date(1985, 3, 4),
        member_count=-1, members_ldtt=99,
    )  # fmt: skip
    nomination = service.add_nomination(db.session, dossier, actor=user("canbo.pleikan"), data=data)
    db.session.commit()
    facts = _year_facts(nomination)
    assert (facts.member_count, facts.members_ldtt) == (None, None)


@pytest.mark.parametrize(
    ("counts", "errors"),
    [
        (
            {"member_count": 10, "members_ldtt": 11},
            {"members_ldtt": ["Không được lớn hơn tổng số thành viên (10)."]},
        ),
        ({"member_count": -1}, {"member_count": ["Số người không được âm."]}),
        (
            {"member_count": 10, "members_completed": -2, "members_cstdcs": 12},
            {
                "members_completed": ["Số người không được âm."],
                "members_cstdcs": ["Không được lớn hơn tổng số thành viên (10)."],
            },
        ),
        ({"members_ldtt": 3}, {"member_count": ["Vui lòng nhập tổng số thành viên để tính các tỷ lệ."]}),
        ({"member_count": 2**31}, {"member_count": ["Số quá lớn."]}),
        (
            {"member_count": 10, "members_disciplined": 0, "discipline_status": "warning"},
            {"members_disciplined": ["Đã chọn mức kỷ luật nhưng số thành viên bị kỷ luật là 0."]},
        ),
    ],
    ids=["ldtt-over-total", "negative-total", "negative-and-over", "no-total", "past-the-column", "level-but-none"],
)
def test_bad_member_counts_name_the_field_and_write_nothing(make_dossier, user, counts, errors):
    dossier = make_dossier(nominees=(), complete=False)
    before = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nominee, NomineeYear))
    with pytest.raises(InvalidInput) as refused:
        service.add_nomination(db.session, dossier, actor=user("canbo.pleikan"), data=_collective(**counts))
    db.session.rollback()
    assert refused.value.errors == errors
    assert tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nominee, NomineeYear)) == before
    assert db.session.get(type(dossier), dossier.id).nominations == []


# --- a nominee's birth date and title (issue 12) ------------------------------------------------------------------


def _person(born: date | None, title: str = "LDTT", name: str = "Lê Văn Cường") -> service.NomineeInput:
    return service.NomineeInput(kind="person", full_name=name, title_code=title, date_of_birth=born)


# The suite's day is 16/06/2025 and the dossier's achievement year 2025: a person must turn 15 during 2025, so be born
# on 31/12/2010 at the latest.
TOO_YOUNG_2025 = "Người được đề nghị phải đủ 15 tuổi trong năm thành tích 2025: ngày sinh chậm nhất là 31/12/2010."


@pytest.mark.parametrize(
    ("born", "errors"),
    [
        (date(2010, 12, 31), {}),
        (date(2010, 6, 16), {}),
        (date(2011, 1, 1), {"date_of_birth": [TOO_YOUNG_2025]}),
        (date(2011, 6, 16), {"date_of_birth": [TOO_YOUNG_2025]}),
        (date(2025, 6, 17), {"date_of_birth": ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."]}),
        (date(2030, 1, 1), {"date_of_birth": ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."]}),
    ],
    ids=["turns-15-on-new-years-eve", "15-years-before", "turns-14", "14-years-before", "tomorrow", "future-year"],
)
def test_a_birth_date_must_be_past_and_15_years_before_the_achievement_year(make_dossier, user, born, errors):
    dossier = make_dossier(nominees=(), complete=False)
    before = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nominee, NomineeYear))
    assert service.nominee_problems(db.session, dossier, _person(born)) == errors
    if errors:
        with pytest.raises(InvalidInput) as refused:
            service.add_nomination(db.session, dossier, actor=user("canbo.pleikan"), data=_person(born))
        db.session.rollback()
        assert refused.value.errors == errors
        assert tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Nominee, NomineeYear)) == before
    else:
        nomination = service.add_nomination(db.session, dossier, actor=user("canbo.pleikan"), data=_person(born))
        db.session.commit()
        assert nomination.nominee.date_of_birth == born


def test_the_age_limit_follows_the_dossiers_achievement_year(make_dossier, user):
    """A 2024 dossier: 15 during 2024 means born on 31/12/2009 at the latest."""
    dossier = make_dossier(nominees=(), complete=False, year=2024)
    assert service.nominee_problems(db.session, dossier, _person(date(2009, 12, 31))) == {}
    assert service.nominee_problems(db.session, dossier, _person(date(2010, 1, 1))) == {
        "date_of_birth": [
            "Người được đề nghị phải đủ 15 tuổi trong năm thành tích 2024: ngày sinh chậm nhất là 31/12/2009."
        ]
    }


def test_changing_a_nominee_to_a_future_birth_date_is_refused(make_dossier, user):
    dossier = make_dossier(nominees=("Nguyễn Văn An",), complete=False)
    nomination = dossier.nominations[0]
    with pytest.raises(InvalidInput) as refused:
        service.update_nomination(
            db.session, nomination, actor=user("canbo.pleikan"), data=_person(date(2026, 1, 1), name="Nguyễn Văn An")
        )
    db.session.rollback()
    assert refused.value.errors == {"date_of_birth": ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."]}
    assert db.session.get(type(nomination), nomination.id).nominee.date_of_birth == date(1980, 1, 10)


def test_every_problem_of_a_nominee_is_named_at_once(make_dossier):
    """No name, born in the future, and a collective's title (Tập thể lao động tiên tiến) for a person."""
    dossier = make_dossier(nominees=(), complete=False)
    problems = service.nominee_problems(db.session, dossier, _person(date(2025, 7, 1), title="TLDTT", name=" "))
    assert problems == {
        "title_code": ["Danh hiệu này không dành cho loại đối tượng đã chọn."],
        "full_name": ["Vui lòng nhập họ tên hoặc tên tập thể."],
        "date_of_birth": ["Ngày sinh không được sau ngày hôm nay (16/06/2025)."],
    }
