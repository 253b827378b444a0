"""The secretary's and the office's reports: yearly statistics of nominations by unit, title and outcome; award
money by year and title; dossiers handled within the legal time limit; the annual emulation–commendation summary
the office sends upward. Each report is a `Report` (columns, rows, totals) built from the database alone, so the
page, the API, the Excel and the PDF exports (report_xlsx.py, report_pdf.py) all show the same figures.

Which year a report counts by is part of its definition: the statistics by the achievement year (a nomination is
for a year's work), money and the annual summary by the year of the award decision (the budget year the money is
paid in), the time limits by the year the dossier was accepted (its legal clock started)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    Authority,
    Decision,
    Dossier,
    Nomination,
    Nominee,
    NomineeYear,
    RegistryEntry,
    Role,
    Unit,
    User,
)
from models.dossier import DossierState, NominationState
from workflow.core.errors import InvalidInput
from workflow.core.messages import DataLabel, Message, msg
from workflow.core.today import LOCAL_TZ
from workflow.dossiers.deadlines import overdue_on
from workflow.registry.entries import title_names
from workflow.registry.scope import authority_tree, visible_units

FIRST_YEAR, LAST_YEAR = 1945, 2200
# What an export calls as it writes rows: progress(done, total).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers. `authority_id` None is every authority (the administrator); `as_of` is the day an
    unfinished dossier is judged overdue on."""

    authority_id: int | None
    as_of: date
    year: int | None = None
    unit_id: int | None = None
    title_code: str | None = None


@dataclass(frozen=True)
class Column:
    """`kind`: text, count, money (VND), number (not summed, e.g. days) or ratio (`ratio_of` = numerator and
    denominator keys, shown as a share)."""

    key: str
    label: Message
    kind: str = "count"
    ratio_of: tuple[str, str] | None = None

    @property
    def summed(self) -> bool:
        return self.kind in ("count", "money")


@dataclass
class Report:
    name: str
    title: Message
    authority: str  # the heading's issuing body: the authority's name, or "every authority"
    place: str  # where the authority sits, for the document's date line ("" for every authority)
    year: int | None
    period: Message  # e.g. "Năm thành tích 2024"
    made_on: date
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    @property
    def totals(self) -> dict:
        """The sums of the count and money columns (money: None when no row has a figure), ratios recomputed."""
        sums: dict = {}
        for column in self.columns:
            if column.summed:
                values = [row[column.key] for row in self.rows if row[column.key] is not None]
                sums[column.key] = sum(values) if values or column.kind == "count" else None
        for column in self.columns:
            if column.kind == "ratio":
                sums[column.key] = ratio(sums[column.ratio_of[0]], sums[column.ratio_of[1]])
        return sums


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


FILE_STEMS = {
    "statistics": "thong-ke-khen-thuong",
    "money": "tien-thuong",
    "timeliness": "ty-le-giai-quyet-dung-han",
    "annual": "bao-cao-thi-dua-khen-thuong",
}


@dataclass(frozen=True)
class ReportKind:
    name: str
    title: Message
    year_label: Message
    # The year shown when none is asked for, as an offset from today's; None: every year.
    default_year_offset: int | None
    build: Callable[[Session, ReportFilters], Report]

    def default_year(self, today: date) -> int | None:
        return None if self.default_year_offset is None else today.year + self.default_year_offset


# --- scope and filters ---------------------------------------------------------------------------------------------


def report_filters(
    session: Session,
    actor: User,
    *,
    as_of: date,
    year: int | None = None,
    unit_id: int | None = None,
    title_code: str | None = None,
) -> ReportFilters:
    """The actor's filters, checked: a unit the actor's reports cover, a title some rule set knows. The office,
    the secretary and the chairman report on their authority (and those under it), the administrator on all.
    Raises InvalidInput naming every bad field."""
    errors: dict[str, list[str]] = {}
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [msg("Năm phải từ %(first)s đến %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)]
    if unit_id is not None and unit_id not in {u.id for u in visible_units(session, actor)}:
        errors["unit_id"] = [msg("Không có đơn vị này trong phạm vi báo cáo của bạn.")]
    if title_code is not None and title_code not in title_names(session):
        errors["title"] = [msg("Danh hiệu/hình thức “%(title)s” không có trong bộ quy định nào.", title=title_code)]
    if errors:
        raise InvalidInput(errors)
    authority_id = None if actor.has_role(Role.ADMIN) else actor.unit.authority_id
    return ReportFilters(authority_id, as_of, year, unit_id, title_code)


def _authorities(session: Session, filters: ReportFilters) -> set[int] | None:
    return None if filters.authority_id is None else authority_tree(session, filters.authority_id)


def _heading(session: Session, filters: ReportFilters, name: str) -> dict:
    """The fields every report starts with: its name and title, the authority and place, the year and period."""
    kind = KINDS[name]
    authority = session.get(Authority, filters.authority_id) if filters.authority_id is not None else None
    return {
        "name": name,
        "title": kind.title,
        "authority": authority.name if authority else msg("Tất cả cơ quan"),
        "place": authority.place_name if authority else "",
        "year": filters.year,
        "period": _period(kind.year_label, filters.year),
        "made_on": filters.as_of,
    }


def _period(label: Message, year: int | None) -> Message:
    return msg("%(label)s %(year)s", label=label, year=year) if year else msg("%(label)s: tất cả", label=label)


def _unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.name)).all())


def _title_name(titles: dict[str, DataLabel], code: str) -> DataLabel | str:
    return titles.get(code, code)


# --- 1. statistics by unit, title and outcome ------------------------------------------------------------------------

# The funnel: how far each nomination got (a later outcome implies the earlier steps).
_ELIGIBLE = {
    NominationState.ELIGIBLE, NominationState.APPROVED, NominationState.NOT_APPROVED, NominationState.AWARDED,
    NominationState.FORWARDED, NominationState.AWARDED_BY_HIGHER, NominationState.DECLINED_BY_HIGHER,
    NominationState.REVOKED,
}  # fmt: skip
_APPROVED = _ELIGIBLE - {NominationState.ELIGIBLE, NominationState.NOT_APPROVED}
_AWARDED = {NominationState.AWARDED, NominationState.AWARDED_BY_HIGHER}
_NOT_AWARDED = {NominationState.INELIGIBLE, NominationState.NOT_APPROVED, NominationState.DECLINED_BY_HIGHER}
_WITHDRAWN = {NominationState.WITHDRAWN, NominationState.REVOKED}

STATISTICS_COLUMNS = [
    Column("unit", msg("Đơn vị"), "text"),
    Column("title", msg("Danh hiệu / hình thức"), "text"),
    Column("proposed", msg("Đề nghị")),
    Column("eligible", msg("Đủ điều kiện")),
    Column("approved", msg("Hội đồng thông qua")),
    Column("awarded", msg("Được khen thưởng")),
    Column("not_awarded", msg("Không được khen thưởng")),
    Column("withdrawn", msg("Rút, thu hồi")),
    Column("in_progress", msg("Đang xử lý")),
]


def outcome_of(nomination_state: str, dossier_state: str) -> str:
    """Where a submitted nomination ended: awarded, not_awarded, withdrawn or in_progress (the four add up to the
    nominations proposed). A rejected dossier's nominations were not awarded, a withdrawn one's withdrawn."""
    if dossier_state == DossierState.REJECTED or nomination_state in _NOT_AWARDED:
        return "not_awarded"
    if dossier_state == DossierState.WITHDRAWN or nomination_state in _WITHDRAWN:
        return "withdrawn"
    if nomination_state in _AWARDED:
        return "awarded"
    return "in_progress"


def statistics(session: Session, filters: ReportFilters) -> Report:
    """Nominations that reached the authority (their unit head signed them off), per unit and title of the
    achievement year: how many were found eligible, approved by the council, awarded, and where the rest stand."""
    query = (
        select(Dossier.unit_id, Nomination.title_code, Nomination.state, Dossier.state, func.count())
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(Dossier.submitted_at.is_not(None), Nomination.year == filters.year)
        .group_by(Dossier.unit_id, Nomination.title_code, Nomination.state, Dossier.state)
    )
    if (authorities := _authorities(session, filters)) is not None:
        query = query.where(Dossier.authority_id.in_(authorities))
    if filters.unit_id is not None:
        query = query.where(Dossier.unit_id == filters.unit_id)
    if filters.title_code is not None:
        query = query.where(Nomination.title_code == filters.title_code)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {c.key: 0 for c in STATISTICS_COLUMNS if c.summed}
    )
    for unit_id, title_code, state, dossier_state, n in session.execute(query):
        row = counts[(unit_id, title_code)]
        row["proposed"] += n
        row["eligible"] += n if state in _ELIGIBLE else 0
        row["approved"] += n if state in _APPROVED else 0
        row[outcome_of(state, dossier_state)] += n
    units, titles = _unit_names(session), title_names(session)
    rows = [
        {"unit": units[unit_id], "title": _title_name(titles, code), **figures}
        for (unit_id, code), figures in counts.items()
    ]
    rows.sort(key=lambda r: (r["unit"], r["title"]))
    return Report(
        **_heading(session, filters, "statistics"), columns=STATISTICS_COLUMNS, rows=rows,
        notes=[
            msg("Tính các đề nghị đã được thủ trưởng đơn vị ký trình, theo năm thành tích."),
            msg("Được khen thưởng, không được khen thưởng, rút và đang xử lý cộng lại bằng số đề nghị."),
        ],
    )  # fmt: skip


# --- 2. award money by year and title ------------------------------------------------------------------------------

MONEY_COLUMNS = [
    Column("year", msg("Năm"), "text"),
    Column("title", msg("Danh hiệu / hình thức"), "text"),
    Column("persons", msg("Cá nhân")),
    Column("collectives", msg("Tập thể")),
    Column("amount", msg("Tiền thưởng (đồng)"), "money"),
]


@dataclass(frozen=True)
class Award:
    """One award of the registry as the money and the annual report count it."""

    year: int  # of the decision
    title_code: str
    unit_id: int | None
    subject_kind: str
    amount: int | None


def awards(session: Session, filters: ReportFilters) -> list[Award]:
    """The registry's awards (not revoked) decided by the authorities in scope, in the decision year asked for.
    The unit is the proposing dossier's, else the nominee's unit in the achievement year, else their unit now.
    The money is the amount fixed at signing (or recorded with an imported award; None when unknown)."""
    decision_year = extract("year", RegistryEntry.decision_date)
    query = (
        select(
            decision_year, RegistryEntry.title_code,
            func.coalesce(Dossier.unit_id, NomineeYear.unit_id, Nominee.unit_id), Nominee.kind,
            RegistryEntry.money_vnd,
        )
        .join(Nominee, RegistryEntry.nominee_id == Nominee.id)
        .outerjoin(Nomination, RegistryEntry.nomination_id == Nomination.id)
        .outerjoin(Dossier, Nomination.dossier_id == Dossier.id)
        .outerjoin(
            NomineeYear, (NomineeYear.nominee_id == RegistryEntry.nominee_id) & (NomineeYear.year == RegistryEntry.year)
        )
        .where(RegistryEntry.revoked_at.is_(None))
        .order_by(RegistryEntry.id)
    )  # fmt: skip
    if (authorities := _authorities(session, filters)) is not None:
        query = query.where(RegistryEntry.authority_id.in_(authorities))
    if filters.year is not None:
        query = query.where(decision_year == filters.year)
    if filters.title_code is not None:
        query = query.where(RegistryEntry.title_code == filters.title_code)
    found = [Award(int(year), code, unit, kind, amount) for year, code, unit, kind, amount in session.execute(query)]
    return [a for a in found if filters.unit_id is None or a.unit_id == filters.unit_id]


def _add(row: dict, award: Award) -> None:
    row["persons" if award.subject_kind == "person" else "collectives"] += 1
    if award.amount is not None:
        row["amount"] = (row["amount"] or 0) + award.amount


def money(session: Session, filters: ReportFilters) -> Report:
    """The award money per decision year and title, with how many individuals and collectives it went to."""
    titles = title_names(session)
    grouped: dict[tuple[int, str], dict] = {}
    for award in awards(session, filters):
        key = (award.year, award.title_code)
        row = grouped.setdefault(
            key, {"year": award.year, "title": _title_name(titles, award.title_code), "persons": 0, "collectives": 0,
                  "amount": None},
        )  # fmt: skip
        _add(row, award)
    rows = sorted(grouped.values(), key=lambda r: (r["year"], r["title"]))
    return Report(
        **_heading(session, filters, "money"), columns=MONEY_COLUMNS, rows=rows,
        notes=[
            msg("Số tiền là số đã ghi khi ký quyết định (hệ số nhân với mức lương cơ sở tại ngày quyết định)."),
            msg("Ô trống: khen thưởng nhập từ sổ cũ không ghi số tiền."),
        ],
    )  # fmt: skip


# --- 3. dossiers handled within the legal time limit ---------------------------------------------------------------

PROCEDURE_NAMES = {
    "regular": msg("Danh hiệu thi đua thường xuyên"),
    "giay_khen_periodic": msg("Giấy khen theo đợt"),
    "giay_khen_thematic": msg("Giấy khen theo chuyên đề"),
    "simplified": msg("Thủ tục đơn giản"),
    "forward": msg("Trình cấp trên"),
}

TIMELINESS_COLUMNS = [
    Column("year", msg("Năm tiếp nhận"), "text"),
    Column("procedure", msg("Thủ tục"), "text"),
    Column("accepted", msg("Tiếp nhận")),
    Column("handled", msg("Đã giải quyết")),
    Column("on_time", msg("Đúng hạn")),
    Column("late", msg("Trễ hạn")),
    Column("pending", msg("Đang giải quyết, còn hạn")),
    Column("overdue", msg("Đang giải quyết, quá hạn")),
    Column("stopped", msg("Dừng (rút, từ chối)")),
    Column("share", msg("Tỷ lệ đúng hạn"), "ratio", ratio_of=("on_time", "handled")),
]


def handled_days(session: Session, dossier_ids: list[int]) -> dict[int, date]:
    """The day each dossier was handled: the signing day of the first decision on one of its nominations, or the
    day the dossier was decided or forwarded upward as the audit log records it, whichever came first."""
    days: dict[int, date] = {}

    def keep(dossier_id: int, day: date) -> None:
        if dossier_id not in days or day < days[dossier_id]:
            days[dossier_id] = day

    for start in range(0, len(dossier_ids), 500):
        chunk = dossier_ids[start : start + 500]
        signed = (
            select(Nomination.dossier_id, func.min(Decision.signed_on))
            .join(Decision, Nomination.decision_id == Decision.id)
            .where(Nomination.dossier_id.in_(chunk), Decision.signed_on.is_not(None))
            .group_by(Nomination.dossier_id)
        )
        for dossier_id, day in session.execute(signed):
            keep(dossier_id, day)
        logged = select(AuditEntry.entity_id, AuditEntry.occurred_at).where(
            AuditEntry.entity_type == "dossier",
            AuditEntry.entity_id.in_(chunk),
            AuditEntry.action.in_(("decide", "forward")),
        )
        for dossier_id, moment in session.execute(logged):
            keep(dossier_id, moment.astimezone(LOCAL_TZ).date())
    return days


def timeliness(session: Session, filters: ReportFilters) -> Report:
    """Accepted dossiers (their legal clock started) per year of acceptance and procedure: handled (decided or
    forwarded) by the due date or after it, still with the authority within or past it, or stopped."""
    accepted_year = extract("year", Dossier.accepted_on)
    query = (
        select(Dossier.id, accepted_year, Dossier.procedure, Dossier.state, Dossier.due_on, overdue_on(filters.as_of))
        .where(Dossier.accepted_on.is_not(None))
        .order_by(Dossier.id)
    )
    if (authorities := _authorities(session, filters)) is not None:
        query = query.where(Dossier.authority_id.in_(authorities))
    if filters.year is not None:
        query = query.where(accepted_year == filters.year)
    if filters.unit_id is not None:
        query = query.where(Dossier.unit_id == filters.unit_id)
    if filters.title_code is not None:
        query = query.where(
            Dossier.id.in_(select(Nomination.dossier_id).where(Nomination.title_code == filters.title_code))
        )
    dossiers = session.execute(query).all()
    handled_on = handled_days(session, [d.id for d in dossiers])
    grouped: dict[tuple[int, str], dict] = {}
    for dossier_id, year, procedure, state, due_on, overdue in dossiers:
        row = grouped.setdefault(
            (int(year), procedure),
            {"year": int(year), "procedure": PROCEDURE_NAMES.get(procedure, procedure),
             **{c.key: 0 for c in TIMELINESS_COLUMNS if c.summed}},
        )  # fmt: skip
        row["accepted"] += 1
        day = handled_on.get(dossier_id)
        if day is not None:
            row["handled"] += 1
            row["on_time" if day <= due_on else "late"] += 1
        elif state in DossierState.CLOCK_RUNNING:
            row["overdue" if overdue else "pending"] += 1
        else:
            row["stopped"] += 1
    rows = sorted(grouped.values(), key=lambda r: (r["year"], str(r["procedure"])))
    for row in rows:
        row["share"] = ratio(row["on_time"], row["handled"])
    return Report(
        **_heading(session, filters, "timeliness"), columns=TIMELINESS_COLUMNS, rows=rows,
        notes=[
            msg("Giải quyết: Chủ tịch ký quyết định khen thưởng hoặc hồ sơ được trình cấp trên."),
            msg("Tỷ lệ đúng hạn = số giải quyết đúng hạn / số đã giải quyết."),
        ],
    )  # fmt: skip


# --- 4. the annual emulation–commendation summary ------------------------------------------------------------------

ANNUAL_COLUMNS = [
    Column("unit", msg("Đơn vị"), "text"),
    Column("title", msg("Danh hiệu / hình thức"), "text"),
    Column("persons", msg("Cá nhân")),
    Column("collectives", msg("Tập thể")),
    Column("amount", msg("Tiền thưởng (đồng)"), "money"),
]


def annual(session: Session, filters: ReportFilters) -> Report:
    """The year's awards as the office reports them upward: per unit and title, the individuals and collectives
    awarded and the money."""
    units, titles = _unit_names(session), title_names(session)
    grouped: dict[tuple[int | None, str], dict] = {}
    for award in awards(session, filters):
        row = grouped.setdefault(
            (award.unit_id, award.title_code),
            {"unit": units.get(award.unit_id) or msg("(không rõ đơn vị)"),
             "title": _title_name(titles, award.title_code), "persons": 0, "collectives": 0, "amount": None},
        )  # fmt: skip
        _add(row, award)
    rows = sorted(grouped.values(), key=lambda r: (r["unit"], r["title"]))
    return Report(
        **_heading(session, filters, "annual"), columns=ANNUAL_COLUMNS, rows=rows,
        notes=[msg("Các khen thưởng có quyết định ký trong năm, không kể khen thưởng đã bị thu hồi.")],
    )  # fmt: skip


KINDS: dict[str, ReportKind] = {
    kind.name: kind
    for kind in (
        ReportKind("statistics", msg("Thống kê đề nghị khen thưởng theo đơn vị, danh hiệu và kết quả"),
                   msg("Năm thành tích"), -1, statistics),
        ReportKind("money", msg("Tổng hợp tiền thưởng theo năm và danh hiệu"), msg("Năm quyết định"), None, money),
        ReportKind("timeliness", msg("Tỷ lệ hồ sơ giải quyết đúng thời hạn"), msg("Năm tiếp nhận"), None, timeliness),
        ReportKind("annual", msg("Tổng hợp kết quả thi đua, khen thưởng"), msg("Năm quyết định"), 0, annual),
    )
}  # fmt: skip


def _with_year(name: str, filters: ReportFilters) -> ReportFilters:
    """The filters with the report's default year when none was asked for."""
    kind = KINDS[name]
    if filters.year is None and kind.default_year_offset is not None:
        return replace(filters, year=kind.default_year(filters.as_of))
    return filters


def build_report(session: Session, name: str, filters: ReportFilters) -> Report:
    """The report `name` (a key of KINDS) for the filters, its year defaulting as the report defines."""
    return KINDS[name].build(session, _with_year(name, filters))


def file_name(name: str, filters: ReportFilters, extension: str) -> str:
    """A download's name that says what it holds: "thong-ke-khen-thuong-2024.xlsx"."""
    year = _with_year(name, filters).year
    return f"{FILE_STEMS[name]}-{year or 'tat-ca-cac-nam'}.{extension}"
