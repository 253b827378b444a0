"""The award registry (sổ theo dõi khen thưởng): every award ever decided, by this system or imported, on the
nominee's stable identity. Recording validates and audits each entry; searching and a person's history respect
unit isolation (a unit sees its own people, the standing office, secretary and chairman their authority's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from models import Authority, AwardTitle, Nomination, Nominee, NomineeYear, RegistryEntry, RuleSet, Unit, User
from workflow.core import audit
from workflow.core.errors import InvalidInput
from workflow.core.messages import DataLabel, msg
from workflow.core.today import local_today
from workflow.registry.identity import clean_name, merged_ids, name_key, surviving
from workflow.registry.scope import visible_nominees, visible_units

BASES = ("regular", "sudden", "thematic")
SOURCES = ("system", "import")
FIRST_YEAR, LAST_YEAR = 1945, 2200


# --- reference data ------------------------------------------------------------------------------------------------


def title_names(session: Session) -> dict[str, DataLabel]:
    """Every title code any rule set knows, with its name as the newest rule set writes it: Vietnamese text that
    carries its English form, so documents read Vietnamese and pages can show either."""
    rows = session.execute(
        select(AwardTitle.code, AwardTitle.name_vi, AwardTitle.name_en)
        .join(RuleSet, AwardTitle.rule_set_id == RuleSet.id)
        .order_by(RuleSet.effective_from, RuleSet.revision, AwardTitle.id)
    )
    return {code: DataLabel(vi, en) for code, vi, en in rows}


def unit_lookup(session: Session, actor: User) -> dict[str, Unit]:
    """The units the actor's registry covers, by code (upper case) and by name (case and spacing aside), as
    people write them in a spreadsheet."""
    lookup: dict[str, Unit] = {}
    for unit in sorted(visible_units(session, actor), key=lambda u: u.id):
        lookup.setdefault(name_key(unit.name), unit)
        lookup[unit.code.upper()] = unit
    return lookup


def find_unit(session: Session, value: str, *, actor: User) -> Unit | None:
    """A unit the actor's registry covers, by id, code or exact name; any other answers None, as an unknown one."""
    value = value.strip()
    lookup = unit_lookup(session, actor)
    if value.isascii() and value.isdigit():
        # Compared as text: a number past the id column's range would overflow SQLite's integers.
        return next((unit for unit in lookup.values() if str(unit.id) == value.lstrip("0")), None)
    return lookup.get(value.upper()) or lookup.get(name_key(value))


# --- recording -----------------------------------------------------------------------------------------------------


def _text_error(value: str, limit: int, missing: str) -> list[str]:
    if not value:
        return [missing]
    if len(value) > limit:
        return [msg("Tối đa %(limit)s ký tự.", limit=limit)]
    return []


def _duplicate_error(
    session: Session, nominee: Nominee, title: _Title, year: int, decision_number: str, basis: str
) -> str | None:
    """One achievement is rewarded once: the same decision is never entered twice, and a yearly title given on
    the regular basis exists once per subject and year (forms such as Giấy khen may be given several times).
    Entries always sit on the surviving identity (merging moves them), so the nominee's own rows are all."""
    existing = session.scalars(
        select(RegistryEntry).where(
            RegistryEntry.nominee_id == nominee.id,
            RegistryEntry.title_code == title.code,
            RegistryEntry.year == year,
            RegistryEntry.revoked_at.is_(None),
        )
    ).all()
    for entry in existing:
        if entry.decision_number.casefold() == decision_number.casefold():
            return msg(
                "Đã có trong sổ theo dõi: %(title)s năm %(year)s, quyết định số %(decision)s ngày %(day)s.",
                title=title.code,
                year=year,
                decision=entry.decision_number,
                day=f"{entry.decision_date:%d/%m/%Y}",
            )
    if basis == "regular" and title.yearly:
        for entry in existing:
            if entry.basis == "regular":
                return msg(
                    "Danh hiệu %(title)s năm %(year)s đã được ghi nhận (quyết định số %(decision)s); "
                    "mỗi danh hiệu chỉ được tặng một lần trong năm.",
                    title=title.code,
                    year=year,
                    decision=entry.decision_number,
                )
    return None


@dataclass(frozen=True)
class _Title:
    """What the registry needs to know of a title code across every rule set that defines it."""

    code: str
    subject_kinds: frozenset[str]
    yearly: bool

    @classmethod
    def load(cls, session: Session, code: str) -> _Title:
        rows = session.execute(select(AwardTitle.subject_kind, AwardTitle.category).where(AwardTitle.code == code))
        kinds, categories = set(), set()
        for kind, category in rows:
            kinds.add(kind)
            categories.add(category)
        return cls(code, frozenset(kinds), "title" in categories)


def _validate(
    session: Session,
    *,
    nominee: Nominee,
    title_code: str,
    year: int,
    decision_number: str,
    decision_date: date | None,
    deciding_authority: str,
    authority_id: int | None,
    nomination_id: int | None,
    money_vnd: int | None,
    basis: str,
    source: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    title = _Title.load(session, title_code)
    if not title.subject_kinds:
        errors["title_code"] = [
            msg("Danh hiệu/hình thức “%(title)s” không có trong bộ quy định nào.", title=title_code)
        ]
    elif nominee.kind not in title.subject_kinds:
        errors["title_code"] = [msg("Danh hiệu/hình thức này không dành cho loại đối tượng này.")]
    if not (isinstance(year, int) and FIRST_YEAR <= year <= LAST_YEAR):
        errors["year"] = [msg("Năm thành tích phải từ %(first)s đến %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)]
    if problems := _text_error(decision_number, 40, msg("Vui lòng nhập số quyết định.")):
        errors["decision_number"] = problems
    if decision_date is None:
        errors["decision_date"] = [msg("Vui lòng nhập ngày quyết định.")]
    elif decision_date > local_today():
        errors["decision_date"] = [msg("Ngày quyết định không được sau ngày hôm nay.")]
    elif "year" not in errors and decision_date.year < year:
        errors["decision_date"] = [
            msg("Quyết định khen thưởng thành tích năm %(year)s không thể ký trước năm đó.", year=year)
        ]
    if problems := _text_error(deciding_authority, 200, msg("Vui lòng nhập cơ quan quyết định.")):
        errors["deciding_authority"] = problems
    if authority_id is not None and session.get(Authority, authority_id) is None:
        errors["authority_id"] = [msg("Không có cơ quan này.")]
    if money_vnd is not None and money_vnd < 0:
        errors["money_vnd"] = [msg("Số tiền không được âm.")]
    if basis not in BASES:
        errors["basis"] = [msg("Căn cứ khen thưởng phải là thường xuyên, đột xuất hoặc chuyên đề.")]
    if source not in SOURCES:
        errors["source"] = [msg("Nguồn phải là hệ thống hoặc nhập từ tệp.")]
    if nomination_id is not None and session.scalar(
        select(exists().where(RegistryEntry.nomination_id == nomination_id))
    ):
        errors["nomination_id"] = [msg("Đề nghị này đã được ghi vào sổ theo dõi.")]
    if not errors:
        duplicate = _duplicate_error(session, nominee, title, year, decision_number, basis)
        if duplicate:
            errors["title_code"] = [duplicate]
    return errors


def record_entry(
    session: Session,
    *,
    nominee: Nominee,
    title_code: str,
    year: int,
    decision_number: str,
    decision_date: date | None,
    deciding_authority: str,
    authority_id: int | None = None,
    decision_id: int | None = None,
    nomination_id: int | None = None,
    money_vnd: int | None = None,
    basis: str = "regular",
    source: str = "system",
    golden_book_number: str | None = None,
    actor: User,
) -> RegistryEntry:
    """Write one award into the registry, on the surviving identity of a merged nominee; audited. The caller
    decides who may record (a signed decision, an office import). Raises InvalidInput with every problem."""
    nominee = surviving(session, nominee)
    decision_number = clean_name(decision_number or "")
    deciding_authority = clean_name(deciding_authority or "")
    errors = _validate(
        session,
        nominee=nominee,
        title_code=title_code,
        year=year,
        decision_number=decision_number,
        decision_date=decision_date,
        deciding_authority=deciding_authority,
        authority_id=authority_id,
        nomination_id=nomination_id,
        money_vnd=money_vnd,
        basis=basis,
        source=source,
    )
    if errors:
        raise InvalidInput(errors)
    entry = RegistryEntry(
        nominee=nominee,
        title_code=title_code,
        year=year,
        decision_number=decision_number,
        decision_date=decision_date,
        deciding_authority=deciding_authority,
        authority_id=authority_id,
        decision_id=decision_id,
        nomination_id=nomination_id,
        money_vnd=money_vnd,
        basis=basis,
        source=source,
        golden_book_number=golden_book_number,
    )
    session.add(entry)
    session.flush()
    nomination = session.get(Nomination, nomination_id) if nomination_id is not None else None
    audit.append(
        session,
        entity_type="registry_entry",
        entity_id=entry.id,
        dossier_id=nomination.dossier_id if nomination else None,
        action="registry_recorded",
        actor_id=actor.id,
        data={
            "nominee_id": nominee.id,
            "nominee": nominee.full_name,
            "title_code": title_code,
            "year": year,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "deciding_authority": deciding_authority,
            "basis": basis,
            "source": source,
            "money_vnd": money_vnd,
            # Only when the signing gave one, so entries recorded without a golden-book number audit as before.
            **({"golden_book_number": golden_book_number} if golden_book_number else {}),
        },
    )
    return entry


# --- reading -------------------------------------------------------------------------------------------------------


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _name_matches(name: str) -> ColumnElement[bool]:
    """Case-insensitive on both databases: SQLite's ILIKE folds ASCII letters only, so the usual spellings of a
    Vietnamese name (as typed, lower, Title Case, UPPER) are tried as well."""
    term = clean_name(name)
    variants = {term, term.casefold(), term.title(), term.upper()}
    return or_(*(Nominee.full_name.ilike(_like(v), escape="\\") for v in sorted(variants)))


def search(
    session: Session,
    *,
    actor: User,
    name: str | None = None,
    unit_id: int | None = None,
    title_code: str | None = None,
    year: int | None = None,
) -> Select:
    """Registry entries the actor may see, newest first, as a query to page through. `unit_id` finds the awards
    of people in that unit now or in the year of the award."""
    query = (
        select(RegistryEntry)
        .join(RegistryEntry.nominee)
        .where(visible_nominees(session, actor))
        .options(selectinload(RegistryEntry.nominee).selectinload(Nominee.unit))
    )
    if name and clean_name(name):
        query = query.where(_name_matches(name))
    if unit_id is not None:
        in_unit_that_year = exists().where(
            NomineeYear.nominee_id == RegistryEntry.nominee_id,
            NomineeYear.year == RegistryEntry.year,
            NomineeYear.unit_id == unit_id,
        )
        query = query.where(or_(Nominee.unit_id == unit_id, in_unit_that_year))
    if title_code:
        query = query.where(RegistryEntry.title_code == title_code)
    if year is not None:
        query = query.where(RegistryEntry.year == year)
    return query.order_by(RegistryEntry.year.desc(), RegistryEntry.decision_date.desc(), RegistryEntry.id.desc())


def person_history(session: Session, nominee_id: int) -> list[RegistryEntry]:
    """Every award of the nominee, including those recorded on rows later merged into it, oldest first; revoked
    entries are included (their `revoked_at` is set)."""
    nominee = session.get(Nominee, nominee_id)
    if nominee is None:
        return []
    ids = merged_ids(session, surviving(session, nominee).id)
    return list(
        session.scalars(
            select(RegistryEntry)
            .where(RegistryEntry.nominee_id.in_(ids))
            .order_by(RegistryEntry.year, RegistryEntry.decision_date, RegistryEntry.id)
        )
    )
