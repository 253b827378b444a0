"""The council's pages: its sessions (list, scheduling with the agenda, the session with its attendance, quorum, the
open/close buttons of the session workflow, a member's conflict of interest, the minutes to download) and its
membership."""

from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from models import Council, CouncilMembership, CouncilSession, Poll, db
from web.access import permission_required
from web.forms import TransitionForm, attach_errors, options
from web.pagination import paginate
from web.params import MAX_ID, is_whole_number
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import COUNCIL_SESSION
from workflow.core.today import LOCAL_TZ
from workflow.council import members, minutes, polls, sessions
from workflow.council.rules import voting_members
from workflow.permissions import (
    can_list_council_sessions,
    can_manage_council_members,
    can_manage_council_sessions,
    can_manage_polls,
    can_perform,
    can_view_council_session,
    can_vote,
)

bp = Blueprint("council", __name__, url_prefix="/council")


@bp.context_processor
def _labels():
    return {"session_labels": SESSION_LABELS}


ID = f"int(max={MAX_ID})"

ROLE_LABELS = {
    "chair": _l("Chủ tịch Hội đồng"),
    "vice_chair": _l("Phó Chủ tịch Hội đồng"),
    "standing_member": _l("Ủy viên thường trực"),
    "member": _l("Ủy viên"),
    "secretary": _l("Thư ký"),
}
ATTENDANCE_LABELS = {"present": _l("Có mặt"), "absent": _l("Vắng"), "written": _l("Vắng, có ý kiến bằng văn bản")}
SESSION_LABELS = {"scheduled": _l("Đã lên lịch"), "open": _l("Đang họp"), "closed": _l("Đã bế mạc")}
BAD_DATE = _l("Ngày không hợp lệ; nhập theo dạng năm-tháng-ngày, ví dụ 2025-06-30.")


class SessionForm(FlaskForm):
    council_id = SelectField(_l("Hội đồng"), invalid_choice_message=_l("Vui lòng chọn Hội đồng."))
    title = StringField(
        _l("Tên phiên họp"), validators=[DataRequired(_l("Vui lòng nhập tên phiên họp.")), Length(max=200)]
    )
    day = DateField(
        _l("Ngày họp"), validators=[InputRequired(_l("Vui lòng nhập ngày họp."))], invalid_value_message=BAD_DATE
    )
    at = TimeField(_l("Giờ họp"), validators=[InputRequired(_l("Vui lòng nhập giờ họp."))])
    location = StringField(_l("Địa điểm"), validators=[Length(max=200)])
    dossiers = SelectMultipleField(_l("Hồ sơ đưa ra Hội đồng"), choices=[], validate_choice=False)


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Người"), invalid_choice_message=_l("Vui lòng chọn trong danh sách."))
    role = SelectField(_l("Vai trò"), choices=options(ROLE_LABELS), invalid_choice_message=_l("Vui lòng chọn vai trò."))
    position_title = StringField(_l("Chức danh trong Hội đồng"), validators=[Length(max=200)])
    term_from = DateField(
        _l("Từ ngày"), validators=[InputRequired(_l("Vui lòng nhập ngày bắt đầu."))], invalid_value_message=BAD_DATE
    )
    term_to = DateField(_l("Đến ngày"), validators=[Optional()], invalid_value_message=BAD_DATE)


class EndForm(FlaskForm):
    term_to = DateField(
        _l("Ngày kết thúc"),
        validators=[InputRequired(_l("Vui lòng nhập ngày kết thúc."))],
        invalid_value_message=BAD_DATE,
    )


def load_council(council_id: int, **_) -> Council:
    return db.get_or_404(Council, council_id)


def load_session(session_id: int, **_) -> CouncilSession:
    return db.get_or_404(CouncilSession, session_id)


def load_membership(membership_id: int, **_) -> CouncilMembership:
    return db.get_or_404(CouncilMembership, membership_id)


def load_poll(poll_id: int, **_) -> Poll:
    return db.get_or_404(Poll, poll_id)


def load_action(session_id: int, trigger: str) -> Action:
    return Action(COUNCIL_SESSION, load_session(session_id), trigger)


# --- sessions --------------------------------------------------------------------------------------------------------


@bp.get("/sessions")
@permission_required(can_list_council_sessions)
def sessions_index():
    page = paginate(db.session, sessions.sessions_of(db.session, current_user))
    return render_template("council/sessions.html", page=page)


@bp.route("/sessions/new", methods=["GET", "POST"])
@permission_required(can_manage_council_sessions)
def new_session():
    councils = sessions.councils_kept_by(db.session, current_user)
    form = SessionForm()
    form.council_id.choices = options({str(c.id): c.name for c in councils})
    accepted = {c.id: sessions.accepted_dossiers(db.session, c) for c in councils}
    if form.validate_on_submit():
        council = next(c for c in councils if str(c.id) == form.council_id.data)
        chosen = [d for d in accepted[council.id] if str(d.id) in set(form.dossiers.data or [])]
        when = datetime.combine(form.day.data, form.at.data, LOCAL_TZ)
        try:
            created = sessions.schedule_session(
                db.session, council, actor=current_user, scheduled_at=when, location=form.location.data,
                title=form.title.data, dossiers=chosen,
            )  # fmt: skip
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors):
                flash(message, "danger")
        else:
            db.session.commit()
            flash(_("Đã lên lịch phiên họp “%(title)s”.", title=created.title), "success")
            return redirect(url_for(".show_session", session_id=created.id))
    return render_template("council/session_new.html", form=form, accepted=accepted, councils=councils), (
        422 if request.method == "POST" else 200
    )


@bp.get(f"/sessions/<{ID}:session_id>")
@permission_required(can_view_council_session, load=load_session)
def show_session(session_id: int):
    return _session_page(load_session(session_id))


@bp.post(f"/sessions/<{ID}:session_id>/attendance")
@permission_required(can_manage_council_sessions, load=load_session)
def attendance(session_id: int):
    council_session = load_session(session_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        return _session_page(council_session), 422
    statuses, notes = {}, {}
    for key, value in request.form.items():
        kind, _sep, user_id = key.partition("-")
        if kind in ("status", "note") and is_whole_number(user_id) and 0 < int(user_id) <= MAX_ID:
            (statuses if kind == "status" else notes)[int(user_id)] = value
    sessions.record_attendance(db.session, council_session, actor=current_user, statuses=statuses, notes=notes)
    db.session.commit()
    flash(_("Đã lưu danh sách có mặt."), "success")
    return redirect(url_for(".show_session", session_id=session_id))


@bp.post(f"/sessions/<{ID}:session_id>/actions/<string(maxlength=40):trigger>")
@permission_required(can_perform, load=load_action)
def act(session_id: int, trigger: str):
    action = load_action(session_id, trigger)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _session_page(action.row), 422
    perform(db.session, action, actor=current_user, version=form.version.data)
    db.session.commit()
    flash(_("Đã thực hiện: %(action)s.", action=_(COUNCIL_SESSION.transitions[trigger].label)), "success")
    return redirect(url_for(".show_session", session_id=session_id))


@bp.get(f"/sessions/<{ID}:session_id>/minutes.pdf")
@permission_required(can_view_council_session, load=load_session)
def minutes_pdf(session_id: int):
    return _pdf(load_session(session_id), "bien-ban-hop")


@bp.get(f"/sessions/<{ID}:session_id>/ballot-count.pdf")
@permission_required(can_view_council_session, load=load_session)
def ballot_count_pdf(session_id: int):
    return _pdf(load_session(session_id), "bien-ban-kiem-phieu")


def _pdf(council_session: CouncilSession, document: str):
    """Always an attachment, with nosniff, never cached (the documents grow as polls finish)."""
    pdf = minutes.session_document_pdf(db.session, council_session, document)
    name = f"{document}-{council_session.id}.pdf"
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(f"/polls/<{ID}:poll_id>/conflict")
@permission_required(can_vote, load=load_poll)
def declare_conflict(poll_id: int):
    """A member's own conflict of interest on an agenda item, before its poll starts."""
    poll = load_poll(poll_id)
    if not FlaskForm().validate_on_submit():
        return _session_page(poll.agenda_item.session), 422
    try:
        polls.declare_conflict(db.session, poll, actor=current_user, member=current_user, note=request.form.get("note"))
    except InvalidInput as error:
        db.session.rollback()
        for message in (m for messages in error.errors.values() for m in messages):
            flash(message, "danger")
    else:
        db.session.commit()
        flash(_("Đã ghi nhận: bạn không tham gia biểu quyết nội dung này."), "success")
    return redirect(url_for(".show_session", session_id=poll.agenda_item.session_id))


def _session_page(council_session: CouncilSession):
    day = sessions.session_day(council_session)
    buttons = [
        COUNCIL_SESSION.transitions[t] for t in available_triggers(COUNCIL_SESSION, council_session, current_user)
    ]
    return render_template(
        "council/session.html",
        council_session=council_session,
        groups=sessions.agenda_groups(db.session, council_session),
        voters=voting_members(db.session, council_session.council, day),
        attendance={a.user_id: a for a in sessions.attendance_of(db.session, council_session)},
        quorum=sessions.session_quorum(db.session, council_session),
        buttons=buttons,
        form=TransitionForm(version=council_session.version),
        can_keep=can_manage_council_sessions(current_user, council_session)
        and council_session.state in sessions.ATTENDANCE_STATES,
        role_labels_council=ROLE_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        conflicts=polls.conflicts_open(db.session, council_session, current_user),
        runs_polls=can_manage_polls(current_user, council_session),
        has_results=minutes.has_results(council_session),
    )


# --- members ---------------------------------------------------------------------------------------------------------


@bp.get("/members")
@permission_required(can_manage_council_members)
def members_index():
    return _members_page({})


@bp.post(f"/members/<{ID}:council_id>")
@permission_required(can_manage_council_members, load=load_council)
def add_member(council_id: int):
    council = load_council(council_id)
    form = _member_form(council)
    if form.validate_on_submit():
        try:
            members.add_member(
                db.session, council, actor=current_user, user_id=int(form.user_id.data), role=form.role.data,
                position_title=form.position_title.data, term_from=form.term_from.data, term_to=form.term_to.data,
            )  # fmt: skip
        except InvalidInput as error:
            db.session.rollback()
            for message in attach_errors(form, error.errors):
                flash(message, "danger")
        else:
            db.session.commit()
            flash(_("Đã thêm thành viên Hội đồng."), "success")
            return redirect(url_for(".members_index"))
    return _members_page({council.id: form}), 422


@bp.post(f"/members/<{ID}:membership_id>/end")
@permission_required(can_manage_council_members, load=load_membership)
def end_member(membership_id: int):
    membership = load_membership(membership_id)
    form = EndForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return _members_page({}), 422
    members.end_membership(db.session, membership, actor=current_user, term_to=form.term_to.data)
    db.session.commit()
    flash(_("Đã kết thúc nhiệm kỳ của %(name)s.", name=membership.user.full_name), "success")
    return redirect(url_for(".members_index"))


def _member_form(council: Council) -> MemberForm:
    form = MemberForm(prefix=f"c{council.id}")
    form.user_id.choices = options(
        {str(u.id): f"{u.full_name} ({u.username})" for u in members.candidates(db.session, council)}
    )
    return form


def _members_page(forms: dict[int, MemberForm]):
    councils = members.councils_for(db.session, current_user)
    return render_template(
        "council/members.html",
        councils=councils,
        forms={c.id: forms.get(c.id) or _member_form(c) for c in councils},
        end_form=EndForm(),
        roster=members.roster,
        role_labels_council=ROLE_LABELS,
    )
