"""A nominee list into a dossier from an .xlsx file, one nomination per row, all or nothing, and the dossier's
template (the titles of the rule set that judges it)."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from sqlalchemy.orm import Session

from models import Dossier, User
from workflow.core.errors import PermissionDenied
from workflow.core.messages import msg
from workflow.dossiers import editing as dossiers
from workflow.permissions import can_edit_dossier
from workflow.registry.xlsx import (
    BIRTH_HINT,
    ID_HINT,
    KIND_COLUMN,
    KINDS,
    NAME_HINT,
    YES_NO,
    Column,
    ImportReport,
    build_template,
    choice,
    date_cell,
    long_text_cell,
    national_id_cell,
    number_between,
    run_import,
    text_cell,
    title_reader,
    title_rows,
    whole_number,
    yes_no_cell,
)

GENDERS = {"Nam": "male", "Nữ": "female"}


RATINGS = {
    "Hoàn thành xuất sắc nhiệm vụ": "excellent",
    "Hoàn thành tốt nhiệm vụ": "good",
    "Hoàn thành nhiệm vụ": "complete",
    "Không hoàn thành nhiệm vụ": "incomplete",
}


DISCIPLINES = {
    "Không": "none",
    "Đang xem xét kỷ luật": "under_review",
    "Khiển trách": "reprimand",
    "Cảnh cáo": "warning",
    "Cách chức, buộc thôi việc": "dismissal",
}


# A collective's member counts in the year (E8, E9), after the columns every nominee has; blank for anyone else.
MEMBER_COLUMNS = (
    ("member_count", "Tổng số thành viên", "Tập thể: số thành viên trong năm."),
    ("members_ldtt", "Số đạt LĐTT", "Tập thể: số thành viên đạt Lao động tiên tiến, không quá tổng số."),
    ("members_cstdcs", "Số đạt CSTĐCS", "Tập thể: số thành viên đạt Chiến sĩ thi đua cơ sở, không quá tổng số."),
    ("members_completed", "Số hoàn thành nhiệm vụ", "Tập thể: số thành viên hoàn thành nhiệm vụ, không quá tổng số."),
    (
        "members_disciplined",
        "Số bị kỷ luật",
        "Tập thể: số thành viên bị kỷ luật, không quá tổng số; mức cao nhất ghi ở cột “Kỷ luật”.",
    ),
)


def nominee_columns(session: Session, dossier: Dossier) -> list[Column]:
    titles = dossiers.titles_for(session, dossier)
    return [
        Column("kind", parse=choice(KINDS), hint="Cá nhân, Tập thể hoặc Hộ gia đình.", **KIND_COLUMN),
        Column("full_name", "Họ tên", text_cell(200), True, NAME_HINT, "Nguyễn Văn An", width=28),
        Column("date_of_birth", "Ngày sinh", date_cell, hint=BIRTH_HINT, example=date(1985, 3, 12), width=14),
        Column(
            "national_id", "Số định danh cá nhân", national_id_cell, hint=ID_HINT, example="062085001234", as_text=True
        ),
        Column("gender", "Giới tính", choice(GENDERS), hint="Nam hoặc Nữ.", example="Nam", choices=tuple(GENDERS)),
        Column(
            "position", "Chức vụ", text_cell(200), hint="Chức vụ, đơn vị công tác.", example="Chuyên viên", default=""
        ),
        Column(
            "title_code",
            "Danh hiệu đề nghị",
            title_reader(titles, msg("bộ quy định áp dụng cho hồ sơ này")),
            True,
            "Mã hoặc tên danh hiệu/hình thức như trang “Danh mục”.",
            "LDTT",
        ),
        Column(
            "annual_rating",
            "Xếp loại",
            choice(RATINGS),
            hint="Mức độ hoàn thành nhiệm vụ trong năm.",
            example="Hoàn thành tốt nhiệm vụ",
            choices=tuple(RATINGS),
            width=28,
        ),
        Column(
            "months_of_service", "Số tháng công tác", number_between(0, 12), hint="Từ 0 đến 12.", example=12, width=10
        ),
        Column(
            "discipline_status",
            "Kỷ luật",
            choice(DISCIPLINES),
            hint="Để trống là không bị kỷ luật. Tập thể: mức kỷ luật cao nhất trong các thành viên bị kỷ luật.",
            example="Không",
            choices=tuple(DISCIPLINES),
            default="none",
        ),
        Column(
            "relies_on_initiative",
            "Có sáng kiến",
            yes_no_cell,
            hint="Có nếu đề nghị dựa trên sáng kiến/đề tài được công nhận; để trống là Không.",
            example="Không",
            choices=tuple(YES_NO),
            default=False,
            width=12,
        ),
        Column(
            "achievement",
            "Tóm tắt thành tích",
            long_text_cell(5000),
            hint="Không bắt buộc.",
            example="Hoàn thành tốt nhiệm vụ được giao.",
            default="",
            width=40,
        ),
        *(Column(key, header, whole_number, hint=hint) for key, header, hint in MEMBER_COLUMNS),
    ]


def import_nominees(
    session: Session, dossier: Dossier, stream: BinaryIO, *, actor: User, progress=None
) -> ImportReport:
    """A nominee list into a dossier the actor may edit, one nomination per row, all or nothing. Raises
    PermissionDenied, InvalidInput (the file itself); bad rows, including those add_nomination refuses, are in
    the report."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied()
    titles = dossiers.titles_for(session, dossier)  # read once for the file, not once per row

    def write(row: dict) -> None:
        dossiers.add_nomination(
            session,
            dossier,
            actor=actor,
            titles=titles,
            data=dossiers.NomineeInput(
                kind=row["kind"],
                full_name=row["full_name"],
                title_code=row["title_code"],
                date_of_birth=row["date_of_birth"],
                national_id=row["national_id"],
                gender=row["gender"],
                position=row["position"],
                annual_rating=row["annual_rating"],
                months_of_service=row["months_of_service"],
                discipline_status=row["discipline_status"],
                achievement=row["achievement"],
                relies_on_initiative=row["relies_on_initiative"],
                **{key: row[key] for key, _, _ in MEMBER_COLUMNS},
            ),
        )

    return run_import(session, stream, nominee_columns(session, dossier), write, progress)


def nominee_template(session: Session, dossier: Dossier) -> bytes:
    """The nominee-list template of one dossier: the titles of the rule set that judges it."""
    titles = title_rows(dossiers.titles_for(session, dossier))
    return build_template(nominee_columns(session, dossier), "người/tập thể được đề nghị", titles, [])
