"""Permission predicates `can_<verb>(user, obj=None)`: pure, deny by default.

Views, templates and the API all ask these; nothing else decides who may do what."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from models import (
    AgendaItem,
    Authority,
    Council,
    CouncilMembership,
    CouncilSession,
    Decision,
    Dossier,
    IdentityMatch,
    Initiative,
    Movement,
    Nomination,
    Nominee,
    Poll,
    Role,
    Unit,
    User,
)
from models.dossier import DossierState
from workflow.core.today import local_day


def _active(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_home(user: User | None, obj: object = None) -> bool:
    return _active(user)


def can_change_own_settings(user: User | None, obj: object = None) -> bool:
    return _active(user)


def can_view_unit_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_view_office_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.OFFICE)


def can_view_council_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.COUNCIL_MEMBER)


def can_view_chairman_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.CHAIRMAN)


def can_administer(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.ADMIN)


def can_view_secretary_workspace(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.has_role(Role.SECRETARY, Role.OFFICE)


# --- dossiers -------------------------------------------------------------------------------------------------------


def _dossier_of(obj) -> Dossier | None:
    return obj if isinstance(obj, Dossier) else getattr(obj, "dossier", None)


def _unit_member(user: User | None, obj, *roles: str) -> bool:
    dossier = _dossier_of(obj)
    return _active(user) and dossier is not None and user.unit_id == dossier.unit_id and user.has_role(*roles)


def _authority_id_of(obj) -> int | None:
    """The authority a row belongs to: a decision's or an authority's own, else its dossier's."""
    if isinstance(obj, Authority):
        return obj.id
    if isinstance(obj, Decision):
        return obj.authority_id
    dossier = _dossier_of(obj)
    return dossier.authority_id if dossier is not None else None


def _authority_member(user: User | None, obj, *roles: str) -> bool:
    authority_id = _authority_id_of(obj)
    return (
        _active(user)
        and authority_id is not None
        and user.unit is not None
        and user.unit.authority_id == authority_id
        and user.has_role(*roles)
    )


def can_list_dossiers(user: User | None, obj: object = None) -> bool:
    return _active(user) and (
        (user.unit_id is not None and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD))
        or user.has_role(Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)
    )


def can_create_dossier(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.unit_id is not None and user.has_role(Role.UNIT_OFFICER)


def can_view_dossier(user: User | None, obj) -> bool:
    """Unit isolation: a unit sees its own; the standing office, secretary and chairman see their authority's; a
    council member sees only the dossiers on the agendas of their council's sessions."""
    return (
        _unit_member(user, obj, Role.UNIT_OFFICER, Role.UNIT_HEAD)
        or _authority_member(user, obj, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)
        or _on_members_agenda(user, _dossier_of(obj))
    )


def _on_members_agenda(user: User | None, dossier: Dossier | None) -> bool:
    """Whether a nomination of the dossier is on the agenda of a session held while the user sat on its council."""
    if dossier is None or object_session(dossier) is None:
        return False
    return dossier.id in on_members_agenda(object_session(dossier), user, [dossier.id])


def on_members_agenda(session, user: User | None, dossier_ids) -> set[int]:
    """Of these dossiers, the ones `_on_members_agenda` lets the council member see, in one query (a home page
    lists up to fifty)."""
    if not (_active(user) and user.has_role(Role.COUNCIL_MEMBER)) or not dossier_ids:
        return set()
    rows = session.execute(
        select(
            Nomination.dossier_id, CouncilSession.scheduled_at, CouncilMembership.term_from, CouncilMembership.term_to
        )
        .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .join(CouncilMembership, CouncilMembership.council_id == CouncilSession.council_id)
        .where(Nomination.dossier_id.in_(dossier_ids), CouncilMembership.user_id == user.id)
    )
    return {dossier_id for dossier_id, at, start, end in rows if _within(local_day(at), start, end)}


def can_edit_dossier(user: User | None, obj) -> bool:
    """Nominations and documents change only while the dossier is with its unit's officer."""
    dossier = _dossier_of(obj)
    return _unit_member(user, obj, Role.UNIT_OFFICER) and dossier.state in (DossierState.DRAFT, DossierState.RETURNED)


def can_submit_to_head(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_OFFICER)


def can_sign_off(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_HEAD)


def can_resubmit(user: User | None, obj) -> bool:
    return _unit_member(user, obj, Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_withdraw(user: User | None, obj) -> bool:
    """The head may withdraw at any stage before acceptance ends; the officer only a draft of their own unit."""
    dossier = _dossier_of(obj)
    if _unit_member(user, obj, Role.UNIT_HEAD):
        return True
    return _unit_member(user, obj, Role.UNIT_OFFICER) and dossier.state == DossierState.DRAFT


def can_review_dossier(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_appraise(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_view_appraisal(user: User | None, obj) -> bool:
    """The office that appraises, and the administrator who keeps the rule data the findings rest on (read only)."""
    return can_appraise(user, obj) or can_administer(user)


def can_manage_council_review(user: User | None, obj) -> bool:
    return _authority_member(user, obj, Role.OFFICE)


def can_close_dossier(user: User | None, obj) -> bool:
    """The office closes a dossier by hand; the chairman's signature closes it when it leaves nothing open."""
    return _authority_member(user, obj, Role.OFFICE, Role.CHAIRMAN)


def can_record_council_result(user: User | None, obj) -> bool:
    """A published poll moves the nomination, and the dossier once every item has a result: the council's
    secretary or chairman publishes it, the office may close the review by hand."""
    return _authority_member(user, obj, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)


# --- the council (Hội đồng Thi đua – Khen thưởng) -------------------------------------------------------------------


def _council_authority(obj) -> int | None:
    """The authority a council, one of its sessions or memberships, or a dossier before it belongs to."""
    if isinstance(obj, Council):
        return obj.authority_id
    if isinstance(obj, (CouncilSession, CouncilMembership)):
        return obj.council.authority_id
    if isinstance(obj, Dossier):
        return obj.authority_id
    return None


def _of_council_authority(user: User | None, obj, *roles: str) -> bool:
    """The user holds one of the roles in the object's authority; without an object, in some authority."""
    if not (_active(user) and user.unit is not None and user.has_role(*roles)):
        return False
    return obj is None or _council_authority(obj) == user.unit.authority_id


def can_manage_council_sessions(user: User | None, obj: object = None) -> bool:
    """The council's secretary and the standing office of its authority schedule sessions, build the agenda and
    keep the attendance."""
    return _of_council_authority(user, obj, Role.SECRETARY, Role.OFFICE)


def can_preside_council_session(user: User | None, obj: object = None) -> bool:
    """Opening and closing a session: whoever keeps it, and the chairman, who chairs the council."""
    return _of_council_authority(user, obj, Role.SECRETARY, Role.OFFICE, Role.CHAIRMAN)


def can_list_council_sessions(user: User | None, obj: object = None) -> bool:
    return _of_council_authority(user, None, Role.SECRETARY, Role.OFFICE, Role.CHAIRMAN, Role.COUNCIL_MEMBER)


def can_view_council_session(user: User | None, obj: object = None) -> bool:
    """Those who keep or chair the session, and the members of its council (their agenda)."""
    if can_preside_council_session(user, obj):
        return True
    if not (isinstance(obj, CouncilSession) and _active(user) and user.has_role(Role.COUNCIL_MEMBER)):
        return False
    day = local_day(obj.scheduled_at)
    return any(m.user_id == user.id and _within(day, m.term_from, m.term_to) for m in obj.council.memberships)


def can_manage_council_members(user: User | None, obj: object = None) -> bool:
    """The administrator keeps every council's membership; the standing office its own authority's."""
    return (_active(user) and user.has_role(Role.ADMIN)) or _of_council_authority(user, obj, Role.OFFICE)


def _within(day, start, end) -> bool:
    return start <= day and (end is None or day <= end)


def can_decide(user: User | None, obj) -> bool:
    """The chairman signs (in person, or a deputy chairman for him: the capacity is recorded on the decision)."""
    return _authority_member(user, obj, Role.CHAIRMAN)


def can_draft_decision(user: User | None, obj) -> bool:
    """The standing office drafts its authority's decisions, sends them for signature and publishes them."""
    return _authority_member(user, obj, Role.OFFICE)


def can_list_decisions(user: User | None, obj: object = None) -> bool:
    """The office, the secretary and the chairman read their authority's decisions, drafts included."""
    return _active(user) and user.unit is not None and user.has_role(Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)


def can_view_decision(user: User | None, obj) -> bool:
    """A decision, with its documents, is read by its own authority's office, secretary and chairman."""
    return _authority_member(user, obj, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)


def can_view_rulesets(user: User | None, obj: object = None) -> bool:
    """The people who maintain or apply the rules read them; only the administrator changes anything."""
    return _active(user) and user.has_role(Role.ADMIN, Role.OFFICE, Role.SECRETARY)


# --- the units catalogue (danh mục đơn vị) -------------------------------------------------------------------------


def can_manage_units(user: User | None, obj: object = None) -> bool:
    """The administrator keeps every authority's units; the standing office keeps its own authority's, whose end
    dates E14 reads."""
    if not _active(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    if user.unit is None or not user.has_role(Role.OFFICE):
        return False
    return obj is None or (isinstance(obj, Unit) and obj.authority_id == user.unit.authority_id)


# --- the registry (sổ theo dõi khen thưởng) --------------------------------------------------------------------------

# Who reads the whole registry of their authority (and of the authorities under it), and who reads their unit's.
REGISTRY_AUTHORITY_READERS = (Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)
REGISTRY_UNIT_READERS = (Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_search_registry(user: User | None, obj: object = None) -> bool:
    return _active(user) and (
        user.has_role(Role.ADMIN)
        or (user.unit_id is not None and user.has_role(*REGISTRY_AUTHORITY_READERS, *REGISTRY_UNIT_READERS))
    )


def can_import_registry(user: User | None, obj: object = None) -> bool:
    """Past awards enter the registry through the standing office, which keeps it, or the administrator."""
    return _active(user) and (user.has_role(Role.ADMIN) or (user.unit_id is not None and user.has_role(Role.OFFICE)))


def can_merge_nominees(user: User | None, obj: object = None) -> bool:
    """The standing office keeps the registry; the administrator may clean it up too. Which rows a merge may
    touch is decided per row (can_view_registry_person on both)."""
    return can_import_registry(user)


def authority_chain(authority: Authority | None) -> set[int]:
    """The authority and every authority above it."""
    ids = set()
    while authority is not None and authority.id not in ids:
        ids.add(authority.id)
        authority = authority.parent
    return ids


def person_units(nominee: Nominee) -> set[int]:
    """The units the nominee belongs to now or belonged to in a recorded year. Units write a year only for their
    own people (an unknown national ID never links them to someone else's), so this is the nominee's own history."""
    return {uid for uid in (nominee.unit_id, *(y.unit_id for y in nominee.years)) if uid is not None}


def _covers_unit(user: User, unit_id: int) -> bool:
    """Whether the unit lies under the user's authority (the office, secretary and chairman read those)."""
    unit = object_session(user).get(Unit, unit_id) if object_session(user) else None
    return unit is not None and user.unit.authority_id in authority_chain(unit.authority)


def can_view_registry_person(user: User | None, nominee: object) -> bool:
    """A unit's users see the people who belong or belonged to their unit; the standing office, secretary and
    chairman see anyone whose unit is under their authority; the administrator sees everyone."""
    if not isinstance(nominee, Nominee) or not can_search_registry(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    units = person_units(nominee)
    if user.has_role(*REGISTRY_AUTHORITY_READERS) and any(_covers_unit(user, uid) for uid in units):
        return True
    return user.has_role(*REGISTRY_UNIT_READERS) and user.unit_id in units


def can_resolve_identity_match(user: User | None, match: object) -> bool:
    """The office decides whether a national ID names one of its own people; a match across authorities is the
    administrator's, because no office may see the other side."""
    if not isinstance(match, IdentityMatch) or not can_merge_nominees(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return (
        user.has_role(Role.OFFICE)
        and _covers_unit(user, match.unit_id)
        and can_view_registry_person(user, match.candidate)
    )


# --- the initiative register (sáng kiến, đề tài) ----------------------------------------------------------------------


def can_view_initiatives(user: User | None, obj: object = None) -> bool:
    """The register reads like the award registry: a unit its own, the office, secretary and chairman their
    authority's (workflow/registry/initiatives.py narrows the rows)."""
    return can_search_registry(user)


def can_view_initiative(user: User | None, initiative: object) -> bool:
    if not isinstance(initiative, Initiative) or not can_view_initiatives(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    if user.has_role(*REGISTRY_AUTHORITY_READERS) and user.unit.authority_id in authority_chain(initiative.authority):
        return True
    return user.has_role(*REGISTRY_UNIT_READERS) and user.unit_id is not None and initiative.unit_id == user.unit_id


def can_propose_initiative(user: User | None, obj: object = None) -> bool:
    """A unit proposes its own people's initiatives to its authority's register."""
    return _active(user) and user.unit_id is not None and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)


def can_record_recognition(user: User | None, initiative: object = None) -> bool:
    """The standing office of the register's authority records the recognising body's answer. Without an
    initiative: whether the user could for some (the register's import, which writes recognised ones)."""
    if not (_active(user) and user.unit is not None and user.has_role(Role.OFFICE)):
        return False
    return not isinstance(initiative, Initiative) or user.unit.authority_id == initiative.authority_id


# --- the council's votes ---------------------------------------------------------------------------------------------


def _council_of(obj):
    if isinstance(obj, Poll):
        return obj.agenda_item.session.council
    return obj.council if isinstance(obj, CouncilSession) else None


def can_manage_polls(user: User | None, obj: object = None) -> bool:
    """The council's secretary (of its authority) and its chair run the votes of a session. Without a poll or a
    session: whether the user could for some (the pages that list them)."""
    if not _active(user):
        return False
    council = _council_of(obj)
    if council is None:
        return obj is None and user.has_role(Role.SECRETARY, Role.CHAIRMAN)
    if user.has_role(Role.SECRETARY) and user.unit is not None and user.unit.authority_id == council.authority_id:
        return True
    chair = select(CouncilMembership.id).where(
        CouncilMembership.council_id == council.id,
        CouncilMembership.user_id == user.id,
        CouncilMembership.role_in_council == "chair",
    )
    return object_session(council).scalar(chair) is not None


def can_vote(user: User | None, obj: object = None) -> bool:
    """Council members open their ballot; which polls they may vote in is the poll service's to say."""
    return _active(user) and user.has_role(Role.COUNCIL_MEMBER)


def can_view_poll(user: User | None, obj: object = None) -> bool:
    """Whoever sees the poll's session: who has voted and the result, never a choice of a secret poll."""
    return isinstance(obj, Poll) and can_view_council_session(user, obj.agenda_item.session)


def can_declare_conflict(user: User | None, obj: object = None) -> bool:
    """Those who run the poll (for any member), and a member of its council (for themselves)."""
    return can_manage_polls(user, obj) or (can_vote(user) and can_view_poll(user, obj))


# --- buttons and API triggers ----------------------------------------------------------------------------------------


def can_perform(user: User | None, action) -> bool:
    """Whether the user holds the permission of the action's transition (workflow.core.engine.Action); whether the
    trigger is legal in the row's state is the engine's to say when it fires (409)."""
    transition = action.workflow.transitions.get(action.trigger)
    return transition is not None and transition.permission(user, action.row)


def can_read_public_comments(user: User | None, obj: object = None) -> bool:
    """The standing office reads what the public sent in on its authority's nominations."""
    return _active(user) and user.unit is not None and user.has_role(Role.OFFICE)


def can_list_revocations(user: User | None, obj: object = None) -> bool:
    """The standing office proposes revocations and the chairman signs them: both follow the list."""
    return _active(user) and user.unit is not None and user.has_role(Role.OFFICE, Role.CHAIRMAN)


def can_propose_revocation(user: User | None, obj: object = None) -> bool:
    return _active(user) and user.unit is not None and user.has_role(Role.OFFICE)


def can_forward(user: User | None, obj: object = None) -> bool:
    """The standing office sends its authority's nominations upward and records the answer; without an object
    (its list of cases), an office of any authority, seeing its own."""
    if obj is None:
        return _active(user) and user.unit is not None and user.has_role(Role.OFFICE)
    return can_manage_council_review(user, obj)


def can_forward_dossier(user: User | None, dossier) -> bool:
    """The office's way from a dossier to the forwarding page, shown only when the page holds some of its
    nominations: sent upward, or approved with a title the authority must send up (E13)."""
    if not can_forward(user, dossier):
        return False
    from workflow.decisions.forwarding import has_forwarding_cases  # it imports this module

    return has_forwarding_cases(object_session(dossier), dossier)


# --- search across the records (issue 13, part 3: workflow/search/) -------------------------------------------------


def can_search(user: User | None, obj: object = None) -> bool:
    """Whoever reads some of the searched records; each kind is then narrowed to what the user may open."""
    return can_search_registry(user) or can_list_dossiers(user) or can_list_decisions(user)


# --- the secretary's dashboard (bảng theo dõi) -----------------------------------------------------------------------


def can_view_dashboard(user: User | None, obj: object = None) -> bool:
    """The council's secretary and the standing office follow their authority's dossiers; the administrator
    every authority's."""
    return _active(user) and (
        user.has_role(Role.ADMIN) or (user.unit is not None and user.has_role(Role.SECRETARY, Role.OFFICE))
    )


# --- reports (báo cáo thống kê) -------------------------------------------------------------------------------------


def can_view_reports(user: User | None, obj: object = None) -> bool:
    """The office, the secretary and the chairman report on their authority; the administrator on every one."""
    if not _active(user):
        return False
    return user.has_role(Role.ADMIN) or (
        user.unit is not None and user.has_role(Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN)
    )


# --- Background jobs (issue 13, part 5) ------------------------------------------------------------------------


def can_view_job(user: User | None, job) -> bool:
    """A job, its progress and its file are its owner's alone: an import's report names the rows of their file."""
    return _active(user) and job is not None and job.owner_id == user.id


# --- movements: unit registrations and yearly unit reports (issue 14, part 2) -----------------------------------------


def _in_unit_of_authority(user: User | None, authority_id: int) -> bool:
    return (
        _active(user)
        and user.unit is not None
        and user.unit.authority_id == authority_id
        and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)
    )


def _office_of_authority(user: User | None, authority_id: int) -> bool:
    return _active(user) and (
        user.has_role(Role.ADMIN)
        or (user.unit is not None and user.unit.authority_id == authority_id and user.has_role(Role.OFFICE))
    )


def can_register_for_movement(user: User | None, movement) -> bool:
    """A unit of the launching authority registers itself (its officer or head)."""
    return movement is not None and _in_unit_of_authority(user, movement.authority_id)


def can_follow_registrations(user: User | None, movement) -> bool:
    """The standing office of the launching authority sees who registered and reminds the others."""
    return movement is not None and _office_of_authority(user, movement.authority_id)


def can_submit_unit_report(user: User | None, report) -> bool:
    """The report's own unit (its officer or head) submits it."""
    return (
        report is not None
        and _active(user)
        and user.unit_id == report.unit_id
        and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)
    )


def can_review_unit_report(user: User | None, report) -> bool:
    """The standing office of the movement's authority reviews or returns a unit's report."""
    return report is not None and _office_of_authority(user, report.movement.authority_id)


# --- movements: inspections and reviews (issue 14, inspections and reviews) ------------------------------------------


def _of_movement_authority(user: User | None, movement, *roles: str) -> bool:
    return (
        _active(user)
        and movement is not None
        and user.unit is not None
        and user.unit.authority_id == movement.authority_id
        and user.has_role(*roles)
    )


def can_view_inspections(user: User | None, movement=None) -> bool:
    """The office, secretary, chairman and council members see every inspection of their authority's movement,
    a unit its own (workflow/movements/inspections.py narrows the rows), the administrator all."""
    if can_administer(user):
        return True
    return _of_movement_authority(
        user, movement, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN, Role.COUNCIL_MEMBER, Role.UNIT_OFFICER,
        Role.UNIT_HEAD,
    )


def can_record_inspection(user: User | None, movement=None) -> bool:
    """Council members of the movement's authority inspect its units."""
    return _of_movement_authority(user, movement, Role.COUNCIL_MEMBER)


def can_answer_inspection(user: User | None, inspection=None) -> bool:
    """The inspected unit answers, once."""
    return (
        _active(user)
        and inspection is not None
        and inspection.answered_at is None
        and user.unit_id == inspection.unit_id
        and user.has_role(Role.UNIT_OFFICER, Role.UNIT_HEAD)
    )


def can_view_movement_review(user: User | None, movement=None) -> bool:
    return can_administer(user) or _of_movement_authority(
        user, movement, Role.OFFICE, Role.SECRETARY, Role.CHAIRMAN, Role.COUNCIL_MEMBER
    )


def can_open_commendation_round(user: User | None, movement=None) -> bool:
    """The standing office opens the round of the final review (tổng kết)."""
    return _of_movement_authority(user, movement, Role.OFFICE)


# --- Emulation movements (issue 14, movements) -------------------------------------------------------------------


def can_view_movements(user: User | None, obj: object = None) -> bool:
    """Everyone working in an authority follows its movements; the administrator sees them all."""
    return _active(user) and (user.unit is not None or user.has_role(Role.ADMIN))


def can_view_movement(user: User | None, movement: object) -> bool:
    if not (isinstance(movement, Movement) and can_view_movements(user)):
        return False
    return user.has_role(Role.ADMIN) or user.unit.authority_id == movement.authority_id


def can_manage_movement(user: User | None, movement: object = None) -> bool:
    """The standing office of the launching authority drafts, launches and closes its movements. Without a
    movement: whether the user could draft one for their own authority."""
    if not (_active(user) and user.unit is not None and user.has_role(Role.OFFICE)):
        return False
    return not isinstance(movement, Movement) or user.unit.authority_id == movement.authority_id
