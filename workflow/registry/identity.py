"""Nominee identity: the same person, collective or household keeps one Nominee row across years, units, dossiers
and imports, so the registry and the consecutive-year rules (E6, E7, E11) see one history.

A person is known by national ID when one is given, otherwise by name + date of birth + unit history; a collective
or household by its unit + name. Two rows that turn out to be one person are merged, never deleted: the duplicate
points at the surviving row (`merged_into_id`) and is never matched again."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import Dossier, IdentityMatch, InitiativeAuthor, Nomination, Nominee, NomineeYear, RegistryEntry, User
from models.base import utcnow
from models.catalogue import SUBJECT_KINDS
from models.registry import IdentityMatchState
from workflow.core import audit
from workflow.core.engine import fire
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import IDENTITY_MATCH
from workflow.core.messages import msg
from workflow.permissions import can_merge_nominees, can_resolve_identity_match, can_view_registry_person
from workflow.registry.scope import visible_nominees

NATIONAL_ID_LENGTH = 12
_NATIONAL_ID = re.compile(r"[0-9]{12}", re.ASCII)


def clean_name(name: str) -> str:
    """The name as stored: Unicode NFC (Vietnamese typed on some systems arrives decomposed), single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def name_key(name: str) -> str:
    """What two names must share to be the same: case and spacing ignored, diacritics kept (Hùng ≠ Hưng)."""
    return clean_name(name).casefold()


def is_national_id(value: str) -> bool:
    """Twelve ASCII digits (int() and str.isdigit() would also take Arabic-Indic or superscript digits)."""
    return bool(_NATIONAL_ID.fullmatch(value))


def surviving(session: Session, nominee: Nominee) -> Nominee:
    """The row a merged nominee now lives on (itself when never merged)."""
    while nominee.merged_into_id is not None:
        nominee = session.get(Nominee, nominee.merged_into_id)
    return nominee


def merged_ids(session: Session, nominee_id: int) -> set[int]:
    """The nominee and every row merged into it, directly or through an earlier merge."""
    ids, frontier = {nominee_id}, {nominee_id}
    while frontier:
        frontier = set(session.scalars(select(Nominee.id).where(Nominee.merged_into_id.in_(frontier)))) - ids
        ids |= frontier
    return ids


def _check(kind: str, full_name: str, date_of_birth: date | None, national_id: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in SUBJECT_KINDS:
        errors["kind"] = [msg("Loại đối tượng phải là cá nhân, tập thể hoặc hộ gia đình.")]
    if not clean_name(full_name):
        errors["full_name"] = [msg("Vui lòng nhập họ tên hoặc tên tập thể.")]
    elif len(clean_name(full_name)) > 200:
        errors["full_name"] = [msg("Họ tên tối đa 200 ký tự.")]
    if national_id is not None:
        if kind != "person":
            errors["national_id"] = [msg("Chỉ cá nhân mới có số định danh cá nhân.")]
        elif not is_national_id(national_id):
            errors["national_id"] = [msg("Số định danh cá nhân gồm 12 chữ số.")]
    if kind != "person" and date_of_birth is not None:
        errors["date_of_birth"] = [msg("Chỉ cá nhân mới có ngày sinh.")]
    if errors:
        raise InvalidInput(errors)


def _by_name(
    session: Session, *, kind: str, full_name: str, date_of_birth: date | None, unit_id: int, without_id: bool
) -> Nominee | None:
    """The identity with this name and birth date that belonged to the unit now or in any recorded year; a merged
    row that matches stands for the row it was merged into. Names are compared in Python: SQLite's lower() folds
    ASCII only, and Vietnamese capitals are not ASCII."""
    in_unit = or_(
        Nominee.unit_id == unit_id,
        Nominee.id.in_(select(NomineeYear.nominee_id).where(NomineeYear.unit_id == unit_id)),
    )
    query = select(Nominee).where(
        Nominee.kind == kind,
        Nominee.date_of_birth.is_(None) if date_of_birth is None else Nominee.date_of_birth == date_of_birth,
        in_unit,
    )
    key = name_key(full_name)
    for candidate in session.scalars(query.order_by(Nominee.merged_into_id.is_not(None), Nominee.id)):
        if name_key(candidate.full_name) != key:
            continue
        found = surviving(session, candidate)
        if not (without_id and found.national_id):
            return found
    return None


def find_nominee(
    session: Session, *, kind: str, full_name: str, date_of_birth: date | None, national_id: str | None, unit_id: int
) -> Nominee | None:
    """The existing identity these facts name, or None; merged rows are followed to the survivor."""
    if national_id:
        found = session.scalar(select(Nominee).where(Nominee.national_id == national_id))
        if found is not None:
            return surviving(session, found)
        if date_of_birth is None:
            return None
        # Known before the ID was: same name, birth date and unit, recorded without an ID.
        return _by_name(
            session, kind=kind, full_name=full_name, date_of_birth=date_of_birth, unit_id=unit_id, without_id=True
        )
    return _by_name(
        session, kind=kind, full_name=full_name, date_of_birth=date_of_birth, unit_id=unit_id, without_id=False
    )


def find_or_create_nominee(
    session: Session,
    *,
    kind: str,
    full_name: str,
    date_of_birth: date | None,
    national_id: str | None,
    gender: str | None,
    unit_id: int,
) -> Nominee:
    """The one identity these facts name, created when there is none; a national ID or gender given now is kept
    on a row that lacked it. Raises InvalidInput (bad national ID, a birthday for a collective)."""
    national_id = (national_id or "").strip() or None
    _check(kind, full_name, date_of_birth, national_id)
    found = find_nominee(
        session,
        kind=kind,
        full_name=full_name,
        date_of_birth=date_of_birth,
        national_id=national_id,
        unit_id=unit_id,
    )
    if found is None:
        found = Nominee(
            kind=kind,
            full_name=clean_name(full_name),
            date_of_birth=date_of_birth,
            national_id=national_id,
            gender=gender,
            unit_id=unit_id,
        )
        session.add(found)
    else:
        found.national_id = found.national_id or national_id
        found.gender = found.gender or gender
    session.flush()
    return found


def nominee_for(
    session: Session,
    *,
    actor: User,
    kind: str,
    full_name: str,
    date_of_birth: date | None,
    national_id: str | None,
    gender: str | None,
    unit_id: int,
    dossier: Dossier | None = None,
) -> Nominee:
    """The identity these facts name, as far as the actor's registry reaches. A national ID that belongs to someone
    the actor may not see is never linked and never disclosed: the facts go on a provisional identity without the
    ID (the same one each time the same unit names the same ID), and a pending match asks the standing office
    whether the two are one person. The answer the actor gets looks the same either way. Raises InvalidInput."""
    national_id = (national_id or "").strip() or None
    _check(kind, full_name, date_of_birth, national_id)
    if national_id:
        owner = session.scalar(select(Nominee).where(Nominee.national_id == national_id))
        if owner is not None and not can_view_registry_person(actor, surviving(session, owner)):
            facts = (kind, full_name, date_of_birth, gender)
            return _provisional(session, actor, surviving(session, owner), national_id, unit_id, dossier, facts)
    return find_or_create_nominee(
        session,
        kind=kind,
        full_name=full_name,
        date_of_birth=date_of_birth,
        national_id=national_id,
        gender=gender,
        unit_id=unit_id,
    )


def _provisional(
    session: Session,
    actor: User,
    owner: Nominee,
    national_id: str,
    unit_id: int,
    dossier: Dossier | None,
    facts: tuple[str, str, date | None, str | None],
) -> Nominee:
    kind, full_name, date_of_birth, gender = facts
    pending = session.scalar(
        select(IdentityMatch).where(
            IdentityMatch.unit_id == unit_id,
            IdentityMatch.national_id == national_id,
            IdentityMatch.state == IdentityMatchState.PENDING,
        )
    )
    if pending is not None:
        return pending.nominee
    nominee = _by_name(
        session, kind=kind, full_name=full_name, date_of_birth=date_of_birth, unit_id=unit_id, without_id=True
    )
    if nominee is None:
        nominee = Nominee(
            kind=kind, full_name=clean_name(full_name), date_of_birth=date_of_birth, gender=gender, unit_id=unit_id
        )
        session.add(nominee)
        session.flush()
    match = IdentityMatch(
        dossier_id=dossier.id if dossier else None,
        unit_id=unit_id,
        nominee_id=nominee.id,
        candidate_id=owner.id,
        national_id=national_id,
        requested_by_id=actor.id,
    )
    session.add(match)
    session.flush()
    # Kept out of the dossier's timeline (no dossier_id): the unit must not learn that the ID is known.
    audit.append(
        session,
        entity_type="identity_match",
        entity_id=match.id,
        action="identity_match_opened",
        actor_id=actor.id,
        to_state=match.state,
        data={"nominee_id": nominee.id, "candidate_id": owner.id, "unit_id": unit_id},
    )
    return nominee


def claimed_national_id(session: Session, nominee: Nominee) -> str | None:
    """The national ID as the unit gave it: on the identity, or on a match still waiting for the office."""
    if nominee.national_id:
        return nominee.national_id
    return session.scalar(
        select(IdentityMatch.national_id).where(
            IdentityMatch.nominee_id == nominee.id, IdentityMatch.state == IdentityMatchState.PENDING
        )
    )


def pending_matches(session: Session, actor: User) -> list[IdentityMatch]:
    """The matches waiting for this actor's decision, oldest first."""
    rows = session.scalars(
        select(IdentityMatch).where(IdentityMatch.state == IdentityMatchState.PENDING).order_by(IdentityMatch.id)
    )
    return [match for match in rows if can_resolve_identity_match(actor, match)]


def confirm_identity(session: Session, match: IdentityMatch, *, actor: User, version: int | None = None) -> None:
    """One person: the provisional identity is merged into the one that holds the ID, which keeps its history and
    gains the unit's nomination. Raises TransitionNotAllowed, PermissionDenied, StaleObject."""
    fire(
        IDENTITY_MATCH,
        match,
        "confirm_identity",
        actor=actor,
        data={"nominee": match.nominee.full_name},
        changes={"resolved_at": utcnow()},
        expected_version=version,
    )
    merge_nominees(session, keep=match.candidate, duplicate=match.nominee, actor=actor)


def reject_identity(
    session: Session, match: IdentityMatch, *, actor: User, comment: str, version: int | None = None
) -> None:
    """Two people: the unit is asked to check the number it gave; the provisional identity keeps no ID. Raises
    TransitionNotAllowed, PermissionDenied, StaleObject, GuardFailed (a reason is required)."""
    fire(
        IDENTITY_MATCH,
        match,
        "reject_identity",
        actor=actor,
        data={"nominee": match.nominee.full_name, "comment": (comment or "").strip()},
        changes={"resolved_at": utcnow()},
        expected_version=version,
    )


def record_unit_history(session: Session, nominee: Nominee, *, year: int, unit_id: int) -> None:
    """Remember which unit the nominee belonged to in a year (name matching reads it); facts already recorded
    for that year are left alone."""
    row = session.scalar(select(NomineeYear).where(NomineeYear.nominee_id == nominee.id, NomineeYear.year == year))
    if row is None:
        session.add(NomineeYear(nominee_id=nominee.id, year=year, unit_id=unit_id))
    elif row.unit_id is None:
        row.unit_id = unit_id


# --- duplicates and merging ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    """Two live rows that look like one person; `keep` is the suggested survivor (the one with a national ID,
    else the older)."""

    keep: Nominee
    duplicate: Nominee
    reason: str


def _pair(a: Nominee, b: Nominee) -> DuplicatePair | None:
    if a.national_id and b.national_id:
        return None  # two IDs are two people
    keep, duplicate = (b, a) if (b.national_id and not a.national_id) else (a, b)
    if bool(a.national_id) != bool(b.national_id):
        reason = "Cùng họ tên, ngày sinh; một bản ghi có số định danh, một bản ghi không có."
    elif a.unit_id != b.unit_id:
        reason = "Cùng họ tên, ngày sinh, khác đơn vị."
    else:
        reason = "Cùng họ tên, ngày sinh và đơn vị."
    return DuplicatePair(keep, duplicate, reason)


def duplicate_candidates(session: Session, actor: User, limit: int = 50) -> list[DuplicatePair]:
    """Pairs of persons in the actor's registry that look like one: same name (case and spacing aside) and birth
    date, not carrying two different national IDs. Only birth dates shared by several live rows are loaded."""
    alive = (
        Nominee.kind == "person",
        Nominee.merged_into_id.is_(None),
        Nominee.date_of_birth.is_not(None),
        visible_nominees(session, actor),
    )
    shared = select(Nominee.date_of_birth).where(*alive).group_by(Nominee.date_of_birth).having(func.count() > 1)
    groups: dict[tuple[date, str], list[Nominee]] = defaultdict(list)
    for nominee in session.scalars(
        select(Nominee).where(*alive, Nominee.date_of_birth.in_(shared)).order_by(Nominee.id)
    ):
        groups[(nominee.date_of_birth, name_key(nominee.full_name))].append(nominee)
    pairs: list[DuplicatePair] = []
    for members in groups.values():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = _pair(first, second)
                if pair is not None:
                    pairs.append(pair)
                    if len(pairs) >= limit:
                        return pairs
    return pairs


@dataclass
class MergeReport:
    kept_id: int
    merged_id: int
    nominations: list[int] = field(default_factory=list)
    registry_entries: list[int] = field(default_factory=list)
    initiatives: list[int] = field(default_factory=list)
    years_moved: list[int] = field(default_factory=list)
    # Years both rows had facts for: the kept row's facts stay, the duplicate's stay on the duplicate.
    year_conflicts: list[int] = field(default_factory=list)


def _refusals(keep: Nominee, duplicate: Nominee) -> list[str]:
    if keep.id == duplicate.id:
        return [msg("Không thể gộp một đối tượng với chính nó.")]
    problems = []
    for row in (keep, duplicate):
        if row.merged_into_id is not None:
            problems.append(
                msg(
                    "“%(name)s” (mã %(id)s) đã được gộp vào mã %(target)s.",
                    name=row.full_name,
                    id=row.id,
                    target=row.merged_into_id,
                )
            )
    if keep.kind != duplicate.kind:
        problems.append(msg("Không thể gộp hai loại đối tượng khác nhau (cá nhân, tập thể, hộ gia đình)."))
    if keep.national_id and duplicate.national_id and keep.national_id != duplicate.national_id:
        problems.append(msg("Hai bản ghi có số định danh cá nhân khác nhau: đây là hai người khác nhau."))
    return problems


def merge_nominees(session: Session, *, keep: Nominee, duplicate: Nominee, actor: User) -> MergeReport:
    """Move the duplicate's nominations, registry entries, initiatives and yearly facts to `keep` and mark the
    duplicate merged; audited. Raises PermissionDenied, InvalidInput (same row, already merged, person with
    collective, two different national IDs)."""
    if not can_merge_nominees(actor):
        raise PermissionDenied()
    if problems := _refusals(keep, duplicate):
        raise InvalidInput({"duplicate_id": problems})
    report = MergeReport(keep.id, duplicate.id)
    for nomination in session.scalars(select(Nomination).where(Nomination.nominee_id == duplicate.id)):
        nomination.nominee = keep
        report.nominations.append(nomination.id)
    for entry in session.scalars(select(RegistryEntry).where(RegistryEntry.nominee_id == duplicate.id)):
        entry.nominee = keep
        report.registry_entries.append(entry.id)
    kept_authorships = {
        a.initiative_id: a
        for a in session.scalars(select(InitiativeAuthor).where(InitiativeAuthor.nominee_id == keep.id))
    }
    for authorship in session.scalars(select(InitiativeAuthor).where(InitiativeAuthor.nominee_id == duplicate.id)):
        report.initiatives.append(authorship.initiative_id)
        if (kept := kept_authorships.get(authorship.initiative_id)) is not None:
            # Both rows were named as authors of one initiative: one person, so one share.
            kept.share = min(100, kept.share + authorship.share)
            session.delete(authorship)
        else:
            authorship.nominee_id = keep.id
    kept_years = {row.year for row in keep.years}
    for row in list(duplicate.years):
        if row.year in kept_years:
            report.year_conflicts.append(row.year)
        else:
            row.nominee = keep
            report.years_moved.append(row.year)
    for earlier in session.scalars(select(Nominee).where(Nominee.merged_into_id == duplicate.id)):
        earlier.merged_into_id = keep.id
    if duplicate.national_id and not keep.national_id:
        national_id, duplicate.national_id = duplicate.national_id, None
        session.flush()  # the ID is unique: free it before the kept row takes it
        keep.national_id = national_id
    keep.date_of_birth = keep.date_of_birth or duplicate.date_of_birth
    keep.gender = keep.gender or duplicate.gender
    duplicate.merged_into_id = keep.id
    session.flush()
    audit.append(
        session,
        entity_type="nominee",
        entity_id=keep.id,
        action="merge",
        actor_id=actor.id,
        data={
            "kept": {"id": keep.id, "full_name": keep.full_name},
            "merged": {"id": duplicate.id, "full_name": duplicate.full_name, "unit_id": duplicate.unit_id},
            "nominations": report.nominations,
            "registry_entries": report.registry_entries,
            "initiatives": report.initiatives,
            "years_moved": report.years_moved,
            "year_conflicts": report.year_conflicts,
        },
    )
    return report


def merge_by_id(session: Session, *, keep_id: int, duplicate_id: int, actor: User) -> MergeReport:
    """The merge form's entry: a code the actor's registry does not hold reads as unknown, whether it exists
    elsewhere or not. Raises PermissionDenied, InvalidInput."""
    if not can_merge_nominees(actor):
        raise PermissionDenied()
    rows = {}
    for field_name, nominee_id in (("keep_id", keep_id), ("duplicate_id", duplicate_id)):
        row = session.get(Nominee, nominee_id)
        if row is None or not can_view_registry_person(actor, row):
            message = msg("Không có đối tượng mã %(id)s trong sổ theo dõi của cơ quan.", id=nominee_id)
            raise InvalidInput({field_name: [message]})
        rows[field_name] = row
    return merge_nominees(session, keep=rows["keep_id"], duplicate=rows["duplicate_id"], actor=actor)
