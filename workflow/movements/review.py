"""Interim and final reviews of a movement (sơ kết giữa kỳ, tổng kết; Luật Thi đua, khen thưởng 2022 and Nghị định
98/2023): for each year of the movement up to the review's year and each unit of the launching authority, whether
it registered, its yearly reports (submitted, reviewed, late), the inspections it had, the dossiers it linked to the
movement and the awards they brought; and the awards by title. Every unit is listed each year, so gaps show.

A review whose year reaches the movement's last year is the final one (tổng kết): the office may then open the
commendation round, which invites each unit (outbox topic `movement.round_opened`) to open its own dossier linked
to the movement; dossiers stay the units' own (workflow/dossiers/editing.py::create_dossier)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    AwardTitle,
    Dossier,
    Inspection,
    Movement,
    MovementRegistration,
    Nomination,
    RegistryEntry,
    Unit,
    UnitReport,
    User,
)
from models.movement import ReportState
from workflow.core import audit
from workflow.core.errors import DomainError, InvalidInput, PermissionDenied
from workflow.core.messages import data_label, msg
from workflow.core.today import local_day, local_today
from workflow.movements.contents import content_items
from workflow.notify.outbox import enqueue_event
from workflow.permissions import can_open_commendation_round, can_view_movement_review
from workflow.reporting.reports import Column, Report

ROUND_TOPIC = "movement.round_opened"
# The form the final review usually proposes: Giấy khen / Bằng khen theo chuyên đề.
ROUND_PROCEDURE = "giay_khen_thematic"
COUNTS = ("registered", "reports_submitted", "reports_reviewed", "reports_late", "inspections", "dossiers", "awards")
COLUMNS = [
    Column("year", msg("Năm"), "number"),
    Column("unit", msg("Đơn vị"), "text"),
    Column("registered", msg("Đăng ký thi đua")),
    Column("reports_submitted", msg("Báo cáo đã nộp")),
    Column("reports_reviewed", msg("Báo cáo đã xem xét")),
    Column("reports_late", msg("Báo cáo trễ hạn")),
    Column("inspections", msg("Lượt kiểm tra")),
    Column("dossiers", msg("Hồ sơ đề nghị")),
    Column("awards", msg("Khen thưởng")),
]


@dataclass
class Review:
    movement: Movement
    up_to_year: int
    final: bool
    rows: list[dict] = field(default_factory=list)  # one per year and unit, the COUNTS and "year", "unit"
    awards_by_title: list[tuple[object, int]] = field(default_factory=list)
    # One per content item of the plan, in order: "number", "title", "targets" (registrations with a target for
    # it) and "results" (submitted or reviewed reports with a figure for it), over the review's years.
    by_content: list[dict] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(row[key] for row in self.rows) for key in COUNTS}

    def years(self) -> list[int]:
        return sorted({row["year"] for row in self.rows})


def review_years(movement: Movement) -> range:
    return range(movement.period_start.year, movement.period_end.year + 1)


def review(session: Session, movement: Movement, up_to_year: int, *, year: int | None = None) -> Review:
    """The review of `movement` for its years up to `up_to_year` (only `year` when given)."""
    years = [y for y in review_years(movement) if y <= up_to_year and (year is None or y == year)]
    units = list(session.scalars(select(Unit).where(Unit.authority_id == movement.authority_id).order_by(Unit.name)))
    counts: dict[tuple[int, int], Counter] = {(y, u.id): Counter() for y in years for u in units}

    def add(year_: int, unit_id: int, key: str, n: int = 1) -> None:
        if (year_, unit_id) in counts:
            counts[(year_, unit_id)][key] += n

    targets: Counter = Counter()
    results: Counter = Counter()
    for unit_id, year_, content_targets in session.execute(
        select(MovementRegistration.unit_id, MovementRegistration.year, MovementRegistration.content_targets).where(
            MovementRegistration.movement_id == movement.id
        )
    ):
        add(year_, unit_id, "registered")
        if year_ in years:
            targets.update(key for key, text in (content_targets or {}).items() if str(text).strip())
    today = local_today()
    for report in session.scalars(select(UnitReport).where(UnitReport.movement_id == movement.id)):
        if report.state in (ReportState.SUBMITTED, ReportState.REVIEWED):
            add(report.year, report.unit_id, "reports_submitted")
            if report.year in years:
                results.update(key for key, value in (report.figures or {}).items() if str(value).strip())
        if report.state == ReportState.REVIEWED:
            add(report.year, report.unit_id, "reports_reviewed")
        handed_in = local_day(report.submitted_at) if report.submitted_at else None
        if (handed_in or today) > report.due_on:
            add(report.year, report.unit_id, "reports_late")
    for unit_id, inspected_on in session.execute(
        select(Inspection.unit_id, Inspection.inspected_on).where(Inspection.movement_id == movement.id)
    ):
        add(inspected_on.year, unit_id, "inspections")
    for unit_id, year_ in session.execute(
        select(Dossier.unit_id, Dossier.year).where(Dossier.movement_id == movement.id)
    ):
        add(year_, unit_id, "dossiers")
    by_title: Counter = Counter()
    for unit_id, year_, title_code in session.execute(
        select(Dossier.unit_id, Dossier.year, RegistryEntry.title_code)
        .join(Nomination, Nomination.dossier_id == Dossier.id)
        .join(RegistryEntry, RegistryEntry.nomination_id == Nomination.id)
        .where(Dossier.movement_id == movement.id, RegistryEntry.revoked_at.is_(None))
    ):
        if (year_, unit_id) in counts:
            add(year_, unit_id, "awards")
            by_title[title_code] += 1
    names = {t.code: data_label(t) for t in session.scalars(select(AwardTitle).where(AwardTitle.code.in_(by_title)))}
    rows = [
        {"year": y, "unit": unit.name, "unit_id": unit.id, **{key: counts[(y, unit.id)][key] for key in COUNTS}}
        for y in years
        for unit in units
    ]
    return Review(
        movement=movement,
        up_to_year=up_to_year,
        final=up_to_year >= movement.period_end.year,
        rows=rows,
        awards_by_title=sorted(((names.get(c, c), n) for c, n in by_title.items()), key=lambda p: -p[1]),
        by_content=[
            {"number": n, "title": item.text, "key": item.key, "targets": targets[item.key],
             "results": results[item.key]}
            for n, item in enumerate(content_items(movement), start=1)
        ],
    )


def title_of(result: Review):
    return msg("Tổng kết phong trào") if result.final else msg("Sơ kết phong trào")


def as_report(result: Review, made_on: date) -> Report:
    """The review as a report, for report_xlsx.workbook and report_pdf.document."""
    movement = result.movement
    return Report(
        name="movement_review",
        title=msg("%(kind)s “%(name)s”", kind=title_of(result), name=movement.name),
        authority=movement.authority.name,
        place=movement.authority.place_name,
        year=result.up_to_year,
        period=msg("Từ năm %(start)s đến năm %(end)s", start=movement.period_start.year, end=result.up_to_year),
        made_on=made_on,
        columns=COLUMNS,
        rows=[{column.key: row[column.key] for column in COLUMNS} for row in result.rows],
        notes=[msg("Báo cáo trễ hạn: nộp sau hạn, hoặc chưa nộp khi đã quá hạn.")],
    )


def checked_review(session: Session, movement: Movement, actor: User, up_to_year: int, year: int | None) -> Review:
    """The review for the actor, its years checked against the movement's (the API's query takes any year).
    Raises PermissionDenied, InvalidInput."""
    if not can_view_movement_review(actor, movement):
        raise PermissionDenied()
    years = review_years(movement)
    outside = msg("Năm phải nằm trong thời gian của phong trào (%(first)s–%(last)s).", first=years.start,
                  last=years.stop - 1)  # fmt: skip
    errors = {name: [outside] for name, value in (("up_to", up_to_year), ("year", year)) if value is not None
              and value not in years}  # fmt: skip
    if errors:
        raise InvalidInput(errors)
    return review(session, movement, up_to_year, year=year)


def round_opened(session: Session, movement: Movement) -> bool:
    return session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.entity_type == "movement", AuditEntry.entity_id == movement.id, AuditEntry.action == "open_round"
        ).limit(1)
    ) is not None


def open_commendation_round(session: Session, movement: Movement, *, actor: User) -> int:
    """Invite every unit of the authority, once, to propose its commendations of the final review: one audited
    event per unit. Returns the number of units invited. Raises PermissionDenied, DomainError."""
    if not can_open_commendation_round(actor, movement):
        raise PermissionDenied()
    if local_today().year < movement.period_end.year:
        raise DomainError(msg("Chỉ mở đợt khen thưởng khi tổng kết, từ năm cuối của phong trào."))
    if round_opened(session, movement):
        raise DomainError(msg("Đợt khen thưởng tổng kết của phong trào này đã được mở."))
    units = list(session.scalars(select(Unit).where(Unit.authority_id == movement.authority_id).order_by(Unit.id)))
    audit.append(session, entity_type="movement", entity_id=movement.id, action="open_round", actor_id=actor.id,
                 data={"procedure": ROUND_PROCEDURE, "units": len(units)})
    for unit in units:
        entry = audit.append(
            session, entity_type="movement", entity_id=movement.id, action="invite_unit", actor_id=actor.id,
            data={"unit_id": unit.id, "procedure": ROUND_PROCEDURE, "movement": movement.name,
                  "comment": str(msg("Mời đơn vị lập hồ sơ đề nghị khen thưởng tổng kết phong trào “%(name)s”.",
                                     name=movement.name))},
        )
        enqueue_event(session, topic=ROUND_TOPIC, entry=entry, audiences=["unit_officers_of_unit"])
    return len(units)
