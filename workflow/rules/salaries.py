"""Dated base salaries (lương cơ sở): the figure award money multiplies changes every year or two, so an
administrator adds the new row when the Government's decree comes out. Rows are never edited: money already
computed from a row must stay explainable."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import BaseSalary, User
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_administer

LEGAL_SOURCE_MAX = 500
# amount_vnd is a 32-bit integer column; a larger figure would fail in the database instead of here.
AMOUNT_MAX = 2_147_483_647
FIRST_YEAR, LAST_YEAR = 1945, 2200


def base_salaries(session: Session) -> list[BaseSalary]:
    """Every base salary row, the newest first."""
    return list(session.scalars(select(BaseSalary).order_by(BaseSalary.effective_from.desc())))


def add_base_salary(
    session: Session, *, effective_from: date | None, amount_vnd: int | None, legal_source: str | None, actor: User
) -> BaseSalary:
    """Add the base salary in force from `effective_from`, audited. Every problem is reported at once.
    Raises PermissionDenied, InvalidInput."""
    if not can_administer(actor):
        raise PermissionDenied()
    legal_source = (legal_source or "").strip()
    errors: dict[str, list[str]] = {}
    if effective_from is None:
        errors["effective_from"] = [msg("Vui lòng nhập ngày áp dụng.")]
    elif not FIRST_YEAR <= effective_from.year <= LAST_YEAR:
        errors["effective_from"] = [
            msg("Ngày áp dụng phải trong các năm %(first)s–%(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        ]
    elif session.scalar(select(BaseSalary.id).where(BaseSalary.effective_from == effective_from)) is not None:
        errors["effective_from"] = [
            msg(
                "Đã có mức lương cơ sở áp dụng từ ngày %(day)s; mỗi ngày chỉ có một mức.",
                day=f"{effective_from:%d/%m/%Y}",
            )
        ]
    if amount_vnd is None:
        errors["amount_vnd"] = [msg("Vui lòng nhập mức lương cơ sở.")]
    elif amount_vnd <= 0:
        errors["amount_vnd"] = [msg("Mức lương cơ sở phải là số dương.")]
    elif amount_vnd > AMOUNT_MAX:
        errors["amount_vnd"] = [
            msg("Mức lương cơ sở tối đa %(amount)s đồng.", amount=f"{AMOUNT_MAX:,}".replace(",", "."))
        ]
    if not legal_source:
        errors["legal_source"] = [
            msg("Vui lòng nhập văn bản quy định mức lương cơ sở (ví dụ: Nghị định 73/2024/NĐ-CP).")
        ]
    elif len(legal_source) > LEGAL_SOURCE_MAX:
        errors["legal_source"] = [msg("Căn cứ pháp lý dài tối đa %(limit)s ký tự.", limit=LEGAL_SOURCE_MAX)]
    if errors:
        raise InvalidInput(errors)

    row = BaseSalary(effective_from=effective_from, amount_vnd=amount_vnd, legal_source=legal_source)
    session.add(row)
    session.flush()
    audit.append(
        session,
        entity_type="base_salary",
        entity_id=row.id,
        action="base_salary_added",
        actor_id=actor.id,
        data={"effective_from": effective_from.isoformat(), "amount_vnd": amount_vnd, "legal_source": legal_source},
    )
    return row
