"""What the dossier pages show, gathered in one place so the views stay a handful of lines."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import AuditEntry, Dossier, Nomination, User
from models.dossier import DossierState
from web.forms import DocumentForm, NominationForm, ReassignForm, TransitionForm, build_nomination_form, options
from web.params import MAX_ID, is_whole_number
from web.uploads import item_field
from workflow.core import audit
from workflow.core.engine import available_triggers
from workflow.core.machines import DOSSIER, WORKFLOWS
from workflow.core.messages import data_label
from workflow.core.today import local_day, local_today
from workflow.council import sessions
from workflow.dossiers import attachments, succession, supplements
from workflow.dossiers import editing as service
from workflow.dossiers import transitions as steps
from workflow.dossiers.documents import MAX_BYTES
from workflow.permissions import can_edit_dossier
from workflow.registry import identity

OTHER_ACTIONS = {
    "create": _l("Tạo hồ sơ"),
    "nomination_added": _l("Thêm người/tập thể được đề nghị"),
    "nomination_changed": _l("Sửa thông tin người/tập thể được đề nghị"),
    "nomination_removed": _l("Bỏ người/tập thể khỏi hồ sơ"),
    "document_uploaded": _l("Tải lên tài liệu"),
    "eligibility_appraised": _l("Thẩm định điều kiện: còn cảnh báo chờ ý kiến"),
    "eligibility_override": _l("Phòng Nội vụ chấp nhận cảnh báo điều kiện"),
    "registry_recorded": _l("Ghi vào sổ theo dõi khen thưởng"),
    "deadline_reminder": _l("Nhắc sắp đến hạn giải quyết"),
    "overdue_escalation": _l("Quá hạn giải quyết — báo lãnh đạo Phòng Nội vụ"),
    "readdress": _l("Chuyển hồ sơ sang cơ quan kế nhiệm"),
    "document_removed": _l("Gỡ tài liệu khỏi hồ sơ"),
    "document_reassigned": _l("Chuyển tài liệu sang loại hoặc người khác"),
}

# What the office is shown as changed since a return.
CHANGE_ACTIONS = (
    "document_uploaded",
    "document_removed",
    "document_reassigned",
    "nomination_added",
    "nomination_removed",
)


def dossier_page_context(session: Session, dossier: Dossier, user: User, adding: bool = False) -> dict:
    """Everything the dossier page shows; `adding` keeps the nominee form open after a nominee was just added."""
    # The page names every nominee: the nominations come with their nominees, not one query per nominee.
    session.execute(
        select(Dossier)
        .where(Dossier.id == dossier.id)
        .options(selectinload(Dossier.nominations).selectinload(Nomination.nominee))
    ).all()
    title_rows = service.titles_for(session, dossier)
    titles = {t.code: data_label(t) for t in title_rows}
    nomination_form = build_nomination_form(title_rows)
    checklist = service.checklist(session, dossier)
    kind_labels = attachments.kind_names(session, dossier)
    live = [n for n in dossier.nominations if n.state != "withdrawn"]
    nominee_choices = {"": _l("— Cả hồ sơ —")} | {str(n.id): n.nominee.full_name for n in live}
    document_form = DocumentForm()
    document_form.kind.choices = options(kind_labels)
    document_form.nomination_id.choices = options(nominee_choices)
    reassign_form = ReassignForm()
    reassign_form.kind.choices = options(kind_labels)
    reassign_form.nomination_id.choices = options(nominee_choices)
    transition_form = TransitionForm(version=dossier.version)
    actions = [DOSSIER.transitions[trigger] for trigger in available_triggers(DOSSIER, dossier, user)]
    if any("council_session_id" in action.asks for action in actions):
        transition_form.council_session_id.choices = options(
            {
                str(s.id): f"{s.title} · {local_day(s.scheduled_at):%d/%m/%Y}"
                for s in sessions.upcoming_sessions(session, dossier.authority_id)
            }
        )
    can_edit = can_edit_dossier(user, dossier)
    return {
        "dossier": dossier,
        "titles": titles,
        "checklist": checklist,
        "asked_again": supplements.asked_again(session, dossier),
        **_action_groups(session, dossier, actions),
        "can_edit": can_edit,
        "live_nominations": live,
        "nomination_form": nomination_form,
        "document_form": document_form,
        "reassign_form": reassign_form,
        "transition_form": transition_form,
        "next_step": "nominations" if adding and can_edit else _next_step(dossier, checklist, live, can_edit),
        "kind_labels": kind_labels,
        "field_labels": {f.name: f.label.text for f in nomination_form},
        "per_nominee_kinds": attachments.per_nominee_kinds(session, dossier),
        "max_upload_bytes": MAX_BYTES,
        "item_field": item_field,
        **_returns(session, dossier, checklist),
        **_succession(dossier, user),
    }


def _action_groups(session: Session, dossier: Dossier, actions: list) -> dict:
    """The way forward leads, prominent, with what would refuse it now; other constructive actions follow; the
    destructive ones (withdraw, reject) stand apart at the foot of the page."""
    destructive = [a for a in actions if "danger" in a.style]
    others = sorted((a for a in actions if a not in destructive), key=lambda a: a.style != "primary")
    primary = others[0] if others else None
    return {
        "primary_action": primary,
        "not_ready": steps.foreseeable_failures(session, dossier, primary.trigger) if primary else [],
        "other_actions": others[1:],
        "destructive": destructive,
    }


def _next_step(dossier: Dossier, checklist, live: list, can_edit: bool) -> str | None:
    """Which of the unit's forms opens by itself: the nominee form until there is a nominee, then the uploads
    while a document is missing."""
    if not can_edit:
        return None
    if not live:
        return "nominations"
    if checklist.missing:
        return "documents"
    return None


def _returns(session: Session, dossier: Dossier, checklist) -> dict:
    """Returns for supplements: what the office may tick (the first return's list once there is one), what the unit
    is answering now, and for the office the latest return with what changed since."""
    offered, first_on = supplements.allowed_items(session, dossier, checklist)
    satisfied = {item.key for item in checklist.items if item.satisfied}
    history = supplements.returns(session, dossier)
    latest = history[-1] if history else None
    answering = latest if dossier.state == DossierState.RETURNED else None
    answered = latest if latest and dossier.state in (DossierState.SUBMITTED, DossierState.ACCEPTED) else None
    return {
        "return_choices": offered,
        "return_preticked": {i.key for i in offered if i.key not in satisfied and not i.key.startswith("nominee:")},
        "first_return_on": first_on,
        "current_return": answering,
        "current_return_status": supplements.status(session, dossier, answering) if answering else [],
        "answered_return": answered,
        "answered_status": supplements.status(session, dossier, answered) if answered else [],
        "changes_since_return": _changes_since(session, dossier, answered) if answered else None,
    }


def _changes_since(session: Session, dossier: Dossier, record) -> dict:
    """What the office sees on a resubmitted dossier: documents added, moved or taken out, nominees added or
    removed after the return, and nominee fields changed (then → now)."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.dossier_id == dossier.id, AuditEntry.id > record.entry.id)
        .where(AuditEntry.action.in_(CHANGE_ACTIONS))
        .order_by(AuditEntry.id)
    ).all()
    return {
        "events": [{"label": OTHER_ACTIONS[e.action], "data": e.data or {}, "at": e.occurred_at} for e in entries],
        "nominees": supplements.nominee_changes(session, dossier, record.entry),
    }


def new_dossier_notice(user: User) -> str | None:
    """Said before the form is filled in: the unit's authority has ended and who receives new dossiers now."""
    return succession.out_of_office(user.unit.authority, local_today())


def _succession(dossier: Dossier, user: User) -> dict:
    """When the dossier's authority has ended: the transitional banner of a dossier it accepted before, or why it
    receives nothing now and, for the unit's officer, the successor the draft can move to."""
    today = local_today()
    settled = dossier.state in DossierState.FINAL or succession.continues_transitionally(dossier)
    ended = None if settled else succession.out_of_office(dossier.authority, today)
    can_move = ended is not None and can_edit_dossier(user, dossier)
    movable = can_move and succession.readdress_refusal(dossier, today) is None
    return {
        "transitional_notice": succession.transitional_notice(dossier, today),
        "authority_ended": ended,
        "readdress_to": succession.successor_on(dossier.authority, today) if movable else None,
    }


def nomination_form_data(session: Session, nomination) -> dict:
    """The edit form's starting values: the nomination as it stands now."""
    data = service.nomination_snapshot(session, nomination)
    data["date_of_birth"] = nomination.nominee.date_of_birth
    data["national_id"] = identity.claimed_national_id(session, nomination.nominee) or ""
    data["gender"] = nomination.nominee.gender or ""
    data["annual_rating"] = data["annual_rating"] or ""
    return data


def dialog_inputs(form: TransitionForm) -> dict:
    """What a transition dialog sent, by the names services take: the missing items ticked plus those typed one
    per line."""
    return {
        "comment": form.comment.data or "",
        "missing_items": list(form.missing_items.data or []) + (form.other_missing.data or "").splitlines(),
        "explanations": dict(zip(form.explanation_keys.data, form.explanations.data, strict=False)),
        "reason": form.reason.data or None,
        "sign_off": bool(form.sign_off.data),
        "council_session_id": _chosen_id(form.council_session_id.data),
        "capacity": form.capacity.data or None,
    }


def _chosen_id(raw: str | None) -> int | None:
    """A picked row id, or None for anything that is not one (the service then asks to pick again)."""
    text = (raw or "").strip()
    return int(text) if is_whole_number(text) and 0 < int(text) <= MAX_ID else None


def nominee_input(form: NominationForm) -> service.NomineeInput:
    return service.NomineeInput(
        kind=form.kind.data,
        full_name=form.full_name.data or "",
        title_code=form.title_code.data,
        date_of_birth=form.date_of_birth.data,
        national_id=(form.national_id.data or "").strip() or None,
        gender=form.gender.data or None,
        position=form.position.data or "",
        annual_rating=form.annual_rating.data or None,
        months_of_service=form.months_of_service.data,
        discipline_status=form.discipline_status.data,
        achievement=form.achievement.data or "",
        relies_on_initiative=bool(form.relies_on_initiative.data),
        **{name: getattr(form, name).data for name in service.MEMBER_COUNTS},
    )


def action_label(entity_type: str, action: str) -> str:
    """In the reader's language: a transition's label is a catalogue id (`make messages` extracts Transition's 4th
    argument)."""
    workflow = WORKFLOWS.get(entity_type)
    if workflow is not None and action in workflow.transitions:
        return gettext(workflow.transitions[action].label)
    return str(OTHER_ACTIONS.get(action, action))


def timeline_rows(session: Session, dossier: Dossier) -> list[dict]:
    entries = audit.dossier_timeline(session, dossier.id)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    names = (
        dict(session.execute(select(User.id, User.full_name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    )
    return [
        {
            "entry": entry,
            "actor": names.get(entry.actor_id),
            "label": action_label(entry.entity_type, entry.action),
            "data": entry.data or {},
        }
        for entry in entries
    ]
