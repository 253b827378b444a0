"""What the rules read about one nomination, loaded in a handful of queries so the rules stay pure functions.

A nominee's identity spans merged duplicates (workflow/registry/identity.py): the surviving row and every row merged
into it are one person or collective for the yearly facts, the registry and E11."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Dossier, Nomination, Nominee, NomineeYear, RegistryEntry, Unit
from models.dossier import DossierState, NominationState
from workflow.registry import initiatives
from workflow.registry.identity import merged_ids, name_key, surviving

LDTT, CSTDCS, CSTD_TINH, CSTD_TOAN_QUOC, TLDTT, TLDXS = (
    "LDTT",
    "CSTDCS",
    "CSTD_TINH",
    "CSTD_TOAN_QUOC",
    "TLDTT",
    "TLDXS",
)
# Nominations that no longer claim the title: they neither count toward a quota nor make a duplicate.
DEAD_STATES = (
    NominationState.WITHDRAWN,
    NominationState.INELIGIBLE,
    NominationState.NOT_APPROVED,
    NominationState.DECLINED_BY_HIGHER,
    NominationState.REVOKED,
)
# A withdrawn or rejected dossier claims nothing, whatever its nominations' own states say.
DEAD_DOSSIER_STATES = (DossierState.WITHDRAWN, DossierState.REJECTED)
# Nominations whose title is not decided yet: a higher title of the same year may depend on them (E6, E7).
UNDECIDED_STATES = (
    NominationState.PROPOSED,
    NominationState.ELIGIBLE,
    NominationState.APPROVED,
    NominationState.FORWARDED,
)


@dataclass(frozen=True)
class YearFacts:
    year: int
    annual_rating: str | None
    months_of_service: int | None
    discipline_status: str
    member_count: int | None
    members_ldtt: int | None
    members_cstdcs: int | None
    members_completed: int | None
    members_disciplined: int | None


@dataclass(frozen=True)
class InitiativeFact:
    year: int
    kind: str
    scope: str
    title: str


@dataclass(frozen=True)
class AwardFact:
    title_code: str
    year: int
    basis: str
    decision_number: str
    decision_date: date
    deciding_authority: str


@dataclass(frozen=True)
class OtherNomination:
    dossier_code: str
    unit_name: str
    full_name: str
    date_of_birth: date | None


@dataclass(frozen=True)
class PendingTitle:
    """A live, undecided nomination of the same identity for another title of the year under review (E6, E7)."""

    title_code: str
    year: int
    dossier_code: str


@dataclass(frozen=True)
class UnitFact:
    name: str
    valid_to: date | None


@dataclass(frozen=True)
class Quota:
    """E5: distinct LĐTT holders and CSTĐCS claimants of the proposing unit in the year, registry and live
    nominations of every dossier together."""

    unit_name: str
    ldtt_holders: int
    cstdcs_count: int


@dataclass(frozen=True)
class Facts:
    title_code: str
    subject_kind: str
    year: int
    relies_on_initiative: bool
    years: Mapping[int, YearFacts]
    initiatives: tuple[InitiativeFact, ...]
    # The identity's registry entries that are not revoked, except the one this nomination itself produced.
    awards: tuple[AwardFact, ...]
    duplicates: tuple[OtherNomination, ...]
    pending: tuple[PendingTitle, ...]
    lookalikes: tuple[OtherNomination, ...]
    subject_unit: UnitFact | None
    quota: Quota | None
    decision_on: date

    @property
    def this_year(self) -> YearFacts | None:
        return self.years.get(self.year)


def expected_decision_date(dossier: Dossier, today: date) -> date:
    """The legal due date once the clock runs (never before today); until then, today."""
    return max(today, dossier.due_on) if dossier.due_on else today


def load_facts(session: Session, nomination: Nomination, *, decision_on: date) -> Facts:
    nominee, dossier = nomination.nominee, nomination.dossier
    ids = sorted(merged_ids(session, surviving(session, nominee).id) | {nominee.id})
    return Facts(
        title_code=nomination.title_code,
        subject_kind=nominee.kind,
        year=nomination.year,
        relies_on_initiative=nomination.relies_on_initiative,
        years=_years(session, nominee.id, ids),
        initiatives=initiatives.initiative_facts(session, ids, nomination),
        awards=tuple(
            AwardFact(e.title_code, e.year, e.basis, e.decision_number, e.decision_date, e.deciding_authority)
            for e in session.scalars(
                select(RegistryEntry)
                .where(
                    RegistryEntry.nominee_id.in_(ids),
                    RegistryEntry.revoked_at.is_(None),
                    RegistryEntry.nomination_id.is_(None) | (RegistryEntry.nomination_id != nomination.id),
                )
                .order_by(RegistryEntry.year)
            )
        ),
        duplicates=_live_nominations(session, nomination, Nomination.nominee_id.in_(ids)),
        pending=_pending_titles(session, nomination, ids),
        lookalikes=_lookalikes(session, nomination, nominee, ids),
        subject_unit=_subject_unit(nominee, dossier),
        quota=_quota(session, nomination) if nomination.title_code == CSTDCS else None,
        decision_on=decision_on,
    )


def _years(session: Session, own_id: int, ids: list[int]) -> dict[int, YearFacts]:
    """One record per year; where merged duplicates both have one, the nomination's own nominee's wins."""
    rows = session.scalars(select(NomineeYear).where(NomineeYear.nominee_id.in_(ids))).all()
    found: dict[int, YearFacts] = {}
    for row in sorted(rows, key=lambda r: r.nominee_id == own_id):
        found[row.year] = YearFacts(
            row.year,
            row.annual_rating,
            row.months_of_service,
            row.discipline_status,
            row.member_count,
            row.members_ldtt,
            row.members_cstdcs,
            row.members_completed,
            row.members_disciplined,
        )
    return found


def _live_nominations(session: Session, nomination: Nomination, *criteria) -> tuple[OtherNomination, ...]:
    """Other live nominations for the same title and year, in any unit's dossier."""
    rows = session.execute(
        select(Dossier, Unit.name, Nominee.full_name, Nominee.date_of_birth)
        .join(Nomination, Nomination.dossier_id == Dossier.id)
        .join(Unit, Unit.id == Dossier.unit_id)
        .join(Nominee, Nominee.id == Nomination.nominee_id)
        .where(
            Nomination.id != nomination.id,
            Nomination.title_code == nomination.title_code,
            Nomination.year == nomination.year,
            Nomination.state.not_in(DEAD_STATES),
            Dossier.state.not_in(DEAD_DOSSIER_STATES),
            *criteria,
        )
        .order_by(Nomination.id)
    ).all()
    return tuple(OtherNomination(d.code, unit_name, name, born) for d, unit_name, name, born in rows)


def _pending_titles(session: Session, nomination: Nomination, ids: list[int]) -> tuple[PendingTitle, ...]:
    """The identity's other undecided nominations for the year under review, in live dossiers of any unit: the
    CSTĐCS a CSTĐ tỉnh of the same year climbs on may be in the same dossier or the same review round."""
    rows = session.execute(
        select(Nomination.title_code, Nomination.year, Dossier)
        .join(Dossier, Dossier.id == Nomination.dossier_id)
        .where(
            Nomination.id != nomination.id,
            Nomination.nominee_id.in_(ids),
            Nomination.year == nomination.year,
            Nomination.title_code != nomination.title_code,
            Nomination.state.in_(UNDECIDED_STATES),
            Dossier.state.not_in(DEAD_DOSSIER_STATES),
        )
        .order_by(Nomination.id)
    ).all()
    return tuple(PendingTitle(title, year, dossier.code) for title, year, dossier in rows)


def _lookalikes(
    session: Session, nomination: Nomination, nominee: Nominee, ids: list[int]
) -> tuple[OtherNomination, ...]:
    """People with the same name and birth date but another identity: perhaps a duplicate nobody merged yet.
    Names are compared as workflow/registry/identity.py compares them (case and spacing aside), in Python."""
    if nominee.kind != "person" or nominee.date_of_birth is None:
        return ()
    found = _live_nominations(
        session,
        nomination,
        Nominee.date_of_birth == nominee.date_of_birth,
        Nominee.id.not_in(ids),
        Nominee.merged_into_id.is_(None) | Nominee.merged_into_id.not_in(ids),
    )
    return tuple(other for other in found if name_key(other.full_name) == name_key(nominee.full_name))


def _subject_unit(nominee: Nominee, dossier: Dossier) -> UnitFact | None:
    """E14 judges collectives: the unit the collective is (or, if not recorded, the proposing unit)."""
    if nominee.kind != "collective":
        return None
    unit = nominee.unit or dossier.unit
    return UnitFact(unit.name, unit.valid_to)


def _quota(session: Session, nomination: Nomination) -> Quota:
    dossier = nomination.dossier
    return Quota(
        dossier.unit.name,
        len(_holders(session, dossier.unit_id, nomination.year, LDTT)),
        len(_holders(session, dossier.unit_id, nomination.year, CSTDCS) | {surviving(session, nomination.nominee).id}),
    )


def _holders(session: Session, unit_id: int, year: int, title_code: str) -> set[int]:
    """Identities holding (registry) or claiming (live nomination in one of the unit's dossiers) the title. A merge
    points every earlier duplicate at the survivor, so one step of merged_into_id reaches it."""
    identity = func.coalesce(Nominee.merged_into_id, Nominee.id)
    claimed = session.scalars(
        select(identity)
        .join(Nomination, Nomination.nominee_id == Nominee.id)
        .join(Dossier, Dossier.id == Nomination.dossier_id)
        .where(
            Dossier.unit_id == unit_id,
            Nomination.year == year,
            Nomination.title_code == title_code,
            Nomination.state.not_in(DEAD_STATES),
            Dossier.state.not_in(DEAD_DOSSIER_STATES),
        )
    ).all()
    # A registry entry belongs to the unit the person worked in that year, else to their current unit.
    held = session.scalars(
        select(identity)
        .join(RegistryEntry, RegistryEntry.nominee_id == Nominee.id)
        .outerjoin(NomineeYear, (NomineeYear.nominee_id == Nominee.id) & (NomineeYear.year == year))
        .where(
            RegistryEntry.year == year,
            RegistryEntry.title_code == title_code,
            RegistryEntry.revoked_at.is_(None),
            func.coalesce(NomineeYear.unit_id, Nominee.unit_id) == unit_id,
        )
    ).all()
    return set(claimed) | set(held)
