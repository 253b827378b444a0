"""Unit registrations (đăng ký thi đua): each year, before the movement year's deadline, a unit of the launching
authority registers the collective title it aims at, how many of its people it aims to bring to each individual
title, its own plan and its targets per content item. The standing office sees who has not registered and reminds
them through the outbox, at most once per unit and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import AwardTitle, Movement, MovementRegistration, MovementYear, OutboxMessage, Role, Unit, User, UserRole
from models.base import utcnow
from models.catalogue import RuleSet
from models.movement import MovementState
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import DataLabel, data_label, msg
from workflow.dossiers.documents import store_content
from workflow.movements.contents import content_items
from workflow.notify.messages import language_of
from workflow.notify.outbox import direct_email
from workflow.permissions import can_follow_registrations, can_register_for_movement

REMINDER_TOPIC = "movement.registration_reminder"
MAX_TARGET = 100_000  # people a unit can aim to bring to one title; anything more is a typing slip
MAX_TEXT = 2000


@dataclass(frozen=True)
class Upload:
    """A file as the page or the API received it."""

    stream: BinaryIO
    name: str


@dataclass(frozen=True)
class RegistrationInput:
    year: int
    collective_title: str = ""
    individual_targets: dict | None = None
    content_targets: dict | None = None
    commitments: str = ""


def movement_year(session: Session, movement: Movement, year: int) -> MovementYear | None:
    return session.scalar(
        select(MovementYear).where(MovementYear.movement_id == movement.id, MovementYear.year == year)
    )


def set_year(
    session: Session,
    movement: Movement,
    year: int,
    *,
    actor: User,
    registration_due: date | None,
    report_due: date | None,
) -> MovementYear:
    """The office sets a year's registration deadline and report due date; every unit of the authority then owes
    that year's report (workflow/movements/reports.py)."""
    if not can_follow_registrations(actor, movement):
        raise PermissionDenied()
    _require_running(movement)
    _check_year(movement, year)
    row = movement_year(session, movement, year) or MovementYear(movement_id=movement.id, year=year)
    row.registration_due, row.report_due = registration_due, report_due
    session.add(row)
    session.flush()
    if report_due is not None:
        from workflow.movements.reports import open_reports  # reports imports this module

        open_reports(session, movement, year, report_due)
    return row


def _require_running(movement: Movement) -> None:
    """Deadlines and reminders belong to a launched movement: a draft has told nobody, a closed one asks no more."""
    if movement.state != MovementState.LAUNCHED:
        raise InvalidInput({"year": [msg("Phong trào chưa phát động hoặc đã kết thúc.")]})


def _check_year(movement: Movement, year: int) -> None:
    if not movement.period_start.year <= year <= movement.period_end.year:
        raise InvalidInput(
            {
                "year": [
                    msg(
                        "Năm phải nằm trong thời gian của phong trào (%(first)s–%(last)s).",
                        first=movement.period_start.year,
                        last=movement.period_end.year,
                    )
                ]
            }
        )


def deadline_passed(session: Session, movement: Movement, year: int, today: date) -> date | None:
    """The year's registration deadline when it is behind `today` (the last day itself still counts), else None:
    the page then says so instead of offering the form."""
    row = movement_year(session, movement, year)
    if row is not None and row.registration_due is not None and today > row.registration_due:
        return row.registration_due
    return None


def closed_message(year: int, due: date):
    return msg(
        "Đã hết hạn đăng ký thi đua năm %(year)s (hạn cuối: %(due)s).", year=year, due=due.strftime("%d/%m/%Y")
    )


def title_catalogue(session: Session) -> tuple[dict[str, DataLabel], dict[str, DataLabel]]:
    """The titles a unit may aim at, as `register` accepts them: (collective titles, individual titles), code →
    name in both languages as the newest rule set writes it."""
    rows = session.scalars(
        select(AwardTitle)
        .join(RuleSet, AwardTitle.rule_set_id == RuleSet.id)
        .where(AwardTitle.category == "title", AwardTitle.subject_kind.in_(("collective", "person")))
        .order_by(RuleSet.effective_from, RuleSet.revision, AwardTitle.id)
    )
    collective: dict[str, DataLabel] = {}
    person: dict[str, DataLabel] = {}
    for row in rows:
        (collective if row.subject_kind == "collective" else person)[row.code] = data_label(row)
    return collective, person


def registration_of(session: Session, movement: Movement, unit_id: int, year: int) -> MovementRegistration | None:
    return session.scalar(
        select(MovementRegistration).where(
            MovementRegistration.movement_id == movement.id,
            MovementRegistration.unit_id == unit_id,
            MovementRegistration.year == year,
        )
    )


def register(
    session: Session,
    movement: Movement,
    data: RegistrationInput,
    *,
    actor: User,
    today: date,
    plan: Upload | None = None,
    upload_dir: Path | None = None,
) -> MovementRegistration:
    """Record or change the actor's unit's registration for the year. Refused once the year's deadline has passed
    (the message names it), for a movement not running, or with every problem of the input at once."""
    if not can_register_for_movement(actor, movement):
        raise PermissionDenied()
    if movement.state != MovementState.LAUNCHED:
        raise InvalidInput({"year": [msg("Phong trào chưa phát động hoặc đã kết thúc; không thể đăng ký.")]})
    _check_year(movement, data.year)
    if (closed := deadline_passed(session, movement, data.year, today)) is not None:
        raise InvalidInput({"year": [closed_message(data.year, closed)]})
    errors: dict[str, list] = {}
    titles = _titles(session)
    if data.collective_title and titles.get(data.collective_title) != "collective":
        errors["collective_title"] = [msg("Danh hiệu tập thể không có trong danh mục.")]
    individual = _individual_targets(data.individual_targets or {}, titles, errors)
    targets = _content_targets(movement, data.content_targets or {}, errors)
    if len(data.commitments or "") > MAX_TEXT:
        errors["commitments"] = [msg("Tối đa %(limit)s ký tự.", limit=MAX_TEXT)]
    if errors:
        raise InvalidInput(errors)
    stored = store_content(plan.stream, upload_dir, plan.name) if plan is not None else None
    row = registration_of(session, movement, actor.unit_id, data.year) or MovementRegistration(
        movement_id=movement.id, unit_id=actor.unit_id, year=data.year
    )
    row.collective_title = data.collective_title
    row.individual_targets = individual
    row.content_targets = targets
    row.commitments = (data.commitments or "").strip()
    if stored is not None:
        row.plan_sha256, row.plan_name, row.plan_media_type = stored.sha256, plan.name[:255], stored.media_type
    session.add(row)
    session.flush()
    audit.append(
        session, entity_type="movement", entity_id=movement.id, action="register", actor_id=actor.id,
        data={"unit_id": actor.unit_id, "year": data.year, "registration_id": row.id},
    )
    return row


def attach_plan(
    session: Session, movement: Movement, year: int, plan: Upload, *, actor: User, today: date,
    upload_dir: Path | None = None,
) -> MovementRegistration:
    """The unit's own plan for the year, sent on its own (the API's multipart upload): the registration keeps what
    it says, or is made with the plan alone; the same deadline and checks as `register`."""
    row = registration_of(session, movement, actor.unit_id, year) if actor.unit_id else None
    data = RegistrationInput(year)
    if row is not None:
        data = RegistrationInput(
            year, row.collective_title, dict(row.individual_targets or {}), dict(row.content_targets or {}),
            row.commitments,
        )
    return register(session, movement, data, actor=actor, today=today, plan=plan, upload_dir=upload_dir)


def registrations_for(
    session: Session, movement: Movement, year: int, *, actor: User
) -> tuple[list[MovementRegistration], list[Unit]]:
    """The year's registrations and the units that have none: the office sees every unit, a unit only itself.
    Raises PermissionDenied, InvalidInput (a year outside the movement)."""
    office = can_follow_registrations(actor, movement)
    if not (office or can_register_for_movement(actor, movement)):
        raise PermissionDenied()
    _check_year(movement, year)
    query = (
        select(MovementRegistration)
        .join(Unit, Unit.id == MovementRegistration.unit_id)
        .where(MovementRegistration.movement_id == movement.id, MovementRegistration.year == year)
        .order_by(Unit.name, MovementRegistration.id)
    )
    missing = not_registered(session, movement, year)
    if not office:
        query = query.where(MovementRegistration.unit_id == actor.unit_id)
        missing = [unit for unit in missing if unit.id == actor.unit_id]
    return list(session.scalars(query)), missing


def _titles(session: Session) -> dict[str, str]:
    """Title code → the kind of subject it is for, over every rule set's titles (danh hiệu, not forms)."""
    rows = session.execute(select(AwardTitle.code, AwardTitle.subject_kind).where(AwardTitle.category == "title"))
    return {code: kind for code, kind in rows}


def _individual_targets(raw: dict, titles: dict[str, str], errors: dict) -> dict[str, int]:
    targets = {}
    for code, number in raw.items():
        if titles.get(code) != "person":
            errors.setdefault("individual_targets", []).append(
                msg("Danh hiệu cá nhân %(code)s không có trong danh mục.", code=code)
            )
        elif not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= MAX_TARGET:
            errors.setdefault("individual_targets", []).append(
                msg("Số cá nhân đăng ký cho %(code)s phải là số nguyên từ 0 đến %(max)s.", code=code, max=MAX_TARGET)
            )
        elif number:
            targets[code] = number
    return targets


def _content_targets(movement: Movement, raw: dict, errors: dict) -> dict[str, str]:
    keys = {item.key for item in content_items(movement)}
    targets = {}
    for key, text in raw.items():
        if key not in keys:
            errors.setdefault("content_targets", []).append(msg("Phong trào không có nội dung %(key)s.", key=key))
        elif not isinstance(text, str) or len(text) > MAX_TEXT:
            errors.setdefault("content_targets", []).append(
                msg("Chỉ tiêu cho nội dung %(key)s phải là văn bản, tối đa %(limit)s ký tự.", key=key, limit=MAX_TEXT)
            )
        elif text.strip():
            targets[key] = text.strip()
    return targets


def units_of(session: Session, movement: Movement, year: int) -> list[Unit]:
    """The units of the launching authority that exist during the year, by name."""
    return list(
        session.scalars(
            select(Unit)
            .where(
                Unit.authority_id == movement.authority_id,
                Unit.valid_from <= date(year, 12, 31),
                or_(Unit.valid_to.is_(None), Unit.valid_to >= date(year, 1, 1)),
            )
            .order_by(Unit.name)
        )
    )


def not_registered(session: Session, movement: Movement, year: int) -> list[Unit]:
    """Units of the authority with no registration for the year."""
    registered = set(
        session.scalars(
            select(MovementRegistration.unit_id).where(
                MovementRegistration.movement_id == movement.id, MovementRegistration.year == year
            )
        )
    )
    return [unit for unit in units_of(session, movement, year) if unit.id not in registered]


def remind(session: Session, movement: Movement, year: int, *, actor: User, today: date) -> list[Unit]:
    """E-mail every unit still unregistered for the year (its officers and heads), through the outbox; a unit
    already reminded today is skipped. Returns the units reminded now."""
    if not can_follow_registrations(actor, movement):
        raise PermissionDenied()
    _require_running(movement)
    _check_year(movement, year)
    due = movement_year(session, movement, year)
    deadline = due.registration_due.strftime("%d/%m/%Y") if due and due.registration_due else "—"
    reminded = []
    for unit in not_registered(session, movement, year):
        prefix = f"{REMINDER_TOPIC}:{movement.id}:{year}:{unit.id}:{today.isoformat()}"
        texts = {
            "vi": (
                f"Nhắc đăng ký thi đua năm {year}: {movement.name}",
                f"Đơn vị {unit.name} chưa đăng ký thi đua năm {year} trong phong trào “{movement.name}”. "
                f"Hạn đăng ký: {deadline}.",
            ),
            "en": (
                f"Reminder to register for {year}: {movement.name}",
                f"{unit.name} has not yet registered for {year} in the movement “{movement.name}”. "
                f"Deadline: {deadline}.",
            ),
        }
        if email_unit(session, unit.id, REMINDER_TOPIC, prefix, texts):
            reminded.append(unit)
    session.flush()
    return reminded


def email_unit(session: Session, unit_id: int, topic: str, prefix: str, texts: dict[str, tuple[str, str]]) -> bool:
    """Queue one e-mail per active officer or head of the unit, keyed under `prefix`; nothing when a message
    under that prefix was already queued (the once-a-day rule). True when queued now."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key.startswith(f"{prefix}:")).limit(1)):
        return False
    users = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.unit_id == unit_id,
            User.active,
            User.email.is_not(None),
            User.email != "",
            UserRole.role.in_((Role.UNIT_OFFICER, Role.UNIT_HEAD)),
        )
        .distinct()
        .order_by(User.id)
    ).all()
    now = utcnow()
    for user in users:
        language = language_of(user)
        subject, body = texts.get(language, texts["vi"])
        session.add(direct_email(topic, user, language, subject, body, f"{prefix}:{user.id}", now))
    return bool(users)
