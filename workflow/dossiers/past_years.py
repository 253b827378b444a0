"""A nominee's earlier years as the unit declares them: the rating, the months of service and the discipline of a
year before the one under review. The rules read them beyond that year: from July 2025 only achievements after a
discipline's year count toward a title (E10), and an earlier year's LĐTT standard may need checking (E3). The year
under review itself is entered with the nomination.

Services flush, never commit; each takes the actor as an argument."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Nomination, NomineeYear, User
from models.dossier import ANNUAL_RATINGS, DISCIPLINE_STATUSES, NominationState
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_edit_dossier

# How far back a declaration may go: the longest window a rule reads (CSTĐ toàn quốc: two runs of three years).
YEARS_BACK = 10


@dataclass(frozen=True)
class PastYearInput:
    year: int
    annual_rating: str | None = None
    months_of_service: int | None = None
    discipline_status: str = "none"


def past_years(session: Session, nomination: Nomination) -> list[NomineeYear]:
    """The nominee's recorded years before the year under review, newest first."""
    return list(
        session.scalars(
            select(NomineeYear)
            .where(NomineeYear.nominee_id == nomination.nominee_id, NomineeYear.year < nomination.year)
            .order_by(NomineeYear.year.desc())
        )
    )


def record_past_year(session: Session, nomination: Nomination, *, actor: User, data: PastYearInput) -> NomineeYear:
    """Declare (or correct) one earlier year of the nominee while the dossier is with its unit.
    Raises PermissionDenied, InvalidInput."""
    if not (can_edit_dossier(actor, nomination) and nomination.state == NominationState.PROPOSED):
        raise PermissionDenied()
    errors = _validate(nomination, data)
    if errors:
        raise InvalidInput(errors)
    record = session.scalar(
        select(NomineeYear).where(NomineeYear.nominee_id == nomination.nominee_id, NomineeYear.year == data.year)
    )
    before = _snapshot(record)
    if record is None:
        record = NomineeYear(nominee_id=nomination.nominee_id, year=data.year, unit_id=nomination.dossier.unit_id)
        session.add(record)
    record.annual_rating = data.annual_rating
    record.months_of_service = data.months_of_service
    record.discipline_status = data.discipline_status
    session.flush()
    audit.append(
        session,
        entity_type="nomination",
        entity_id=nomination.id,
        dossier_id=nomination.dossier_id,
        action="past_year_recorded",
        actor_id=actor.id,
        data={"nominee": nomination.nominee.full_name, "year": data.year, "before": before, "after": _snapshot(record)},
    )
    return record


def _validate(nomination: Nomination, data: PastYearInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    first = nomination.year - YEARS_BACK
    if not first <= data.year < nomination.year:
        errors["year"] = [
            msg(
                "Chỉ khai các năm trước năm xét (%(first)s–%(last)s); năm %(year)s khai cùng đề nghị.",
                first=first,
                last=nomination.year - 1,
                year=nomination.year,
            )
        ]
    errors.update(year_fact_errors(data.annual_rating, data.months_of_service, data.discipline_status))
    return errors


def year_fact_errors(rating: str | None, months: int | None, discipline: str) -> dict[str, list[str]]:
    """The checks every year's rating, months of service and discipline pass, this year's or an earlier one's."""
    errors: dict[str, list[str]] = {}
    if rating is not None and rating not in ANNUAL_RATINGS:
        errors["annual_rating"] = [msg("Mức xếp loại không hợp lệ.")]
    if months is not None and not 0 <= months <= 12:
        errors["months_of_service"] = [msg("Số tháng công tác trong năm phải từ 0 đến 12.")]
    if discipline not in DISCIPLINE_STATUSES:
        errors["discipline_status"] = [msg("Tình trạng kỷ luật không hợp lệ.")]
    return errors


def _snapshot(record: NomineeYear | None) -> dict | None:
    if record is None:
        return None
    return {
        "annual_rating": record.annual_rating,
        "months_of_service": record.months_of_service,
        "discipline_status": record.discipline_status,
    }
