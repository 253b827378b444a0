"""The council's vote pages: a member's ballot (one per title, usable on a phone), and the secretary's and chair's
page for a session's polls, which refreshes itself with htmx to show who has voted, never how, then the result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, Optional

from models import CouncilSession, Poll, db
from web.access import permission_required
from web.forms import WholeNumberField
from workflow.core.engine import Action, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import POLL
from workflow.council import polls as service
from workflow.permissions import can_manage_polls, can_vote
from workflow.registry.entries import title_names

bp = Blueprint("council_polls", __name__)
ID = "int(max=2147483647)"
CHOICES = {"yes": _l("Đồng ý"), "no": _l("Không đồng ý"), "abstain": _l("Không biểu quyết")}


def load_session(session_id: int, **_) -> CouncilSession:
    return db.get_or_404(CouncilSession, session_id)


def load_poll(poll_id: int, **_) -> Poll:
    return db.get_or_404(Poll, poll_id)


class VersionForm(FlaskForm):
    version = WholeNumberField(validators=[Optional()], low=0)


class PaperForm(VersionForm):
    yes = WholeNumberField(_l("Đồng ý"), validators=[InputRequired()], low=0, high=1000)
    no = WholeNumberField(_l("Không đồng ý"), validators=[InputRequired()], low=0, high=1000)
    abstain = WholeNumberField(_l("Không biểu quyết"), validators=[InputRequired()], low=0, high=1000)
    invalid = WholeNumberField(_l("Phiếu không hợp lệ"), validators=[InputRequired()], low=0, high=1000)


@bp.get("/council/polls/ballot")
@permission_required(can_vote)
def ballot():
    return render_template(
        "council_polls/ballot.html",
        ballots=service.ballots(db.session, current_user),
        choices=CHOICES,
        nomination_of=lambda poll: service.nomination_of(db.session, poll),
    )


@bp.post("/council/polls/ballot")
@permission_required(can_vote)
def vote():
    if not FlaskForm().validate_on_submit():
        abort(400)
    ballots = {b.title_code: b.polls for b in service.ballots(db.session, current_user)}
    polls = ballots.get(request.form.get("title", ""))
    if polls is None:
        raise InvalidInput({"title": [_("Phiếu biểu quyết này không còn mở cho bạn.")]})
    choices = {p.id: request.form.get(f"poll-{p.id}", "") for p in polls}
    service.vote_on_ballot(db.session, polls, member=current_user, choices=choices)
    db.session.commit()
    flash(_("Đã ghi nhận phiếu biểu quyết của bạn."), "success")
    return redirect(url_for(".ballot"))


@bp.get(f"/council/sessions/<{ID}:session_id>/polls")
@permission_required(can_manage_polls, load=load_session)
def manage(session_id: int):
    return render_template("council_polls/manage.html", **_live(load_session(session_id)))


@bp.get(f"/council/sessions/<{ID}:session_id>/polls/live")
@permission_required(can_manage_polls, load=load_session)
def live(session_id: int):
    return render_template("council_polls/_live.html", **_live(load_session(session_id)))


def _live(council_session: CouncilSession) -> dict:
    polls = [item.poll for item in council_session.agenda_items if item.poll is not None]
    return {
        "council_session": council_session,
        "rows": [(poll, service.nomination_of(db.session, poll), service.progress(db.session, poll)) for poll in polls],
        "tallies": {t.poll_id: t for t in service.tally(p for p in polls if p.state in ("finished", "published"))},
        "without_poll": sum(item.poll is None for item in council_session.agenda_items),
        "transitions": POLL.transitions,
        "titles": title_names(db.session),
        "all_at_once": {trigger: len(service.ready_for(council_session, trigger)) for trigger in service.ALL_AT_ONCE},
    }


@bp.post(f"/council/sessions/<{ID}:session_id>/polls")
@permission_required(can_manage_polls, load=load_session)
def create(session_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    mode = request.form.get("mode", "electronic")
    created = service.create_polls(db.session, load_session(session_id), actor=current_user, mode=mode)
    db.session.commit()
    flash(_("Đã tạo %(count)s cuộc biểu quyết.", count=len(created)), "success")
    return redirect(url_for(".manage", session_id=session_id))


@bp.post(f"/council/polls/<{ID}:poll_id>/actions/<string(maxlength=40):trigger>")
@permission_required(can_manage_polls, load=load_poll)
def act(poll_id: int, trigger: str):
    poll, form = load_poll(poll_id), VersionForm()
    if not form.validate_on_submit():
        abort(400)
    perform(db.session, Action(POLL, poll, trigger), actor=current_user, version=form.version.data)
    db.session.commit()
    flash(_("Đã thực hiện: %(action)s.", action=_(POLL.transitions[trigger].label)), "success")
    return redirect(url_for(".manage", session_id=poll.agenda_item.session_id))


@bp.post(f"/council/sessions/<{ID}:session_id>/polls/all/<string(maxlength=40):trigger>")
@permission_required(can_manage_polls, load=load_session)
def act_on_all(session_id: int, trigger: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    moved = service.act_on_all(db.session, load_session(session_id), trigger, actor=current_user)
    db.session.commit()
    flash(
        _("Đã thực hiện: %(action)s (%(count)s nội dung).", action=_(POLL.transitions[trigger].label), count=moved),
        "success",
    )
    return redirect(url_for(".manage", session_id=session_id))


@bp.post(f"/council/polls/<{ID}:poll_id>/paper")
@permission_required(can_manage_polls, load=load_poll)
def paper(poll_id: int):
    poll, form = load_poll(poll_id), PaperForm()
    if not form.validate_on_submit():
        raise InvalidInput({name: list(errors) for name, errors in form.errors.items()})
    totals = {name: getattr(form, name).data for name in ("yes", "no", "abstain", "invalid")}
    service.enter_paper_totals(db.session, poll, actor=current_user, version=form.version.data, **totals)
    db.session.commit()
    flash(_("Đã ghi kết quả kiểm phiếu."), "success")
    return redirect(url_for(".manage", session_id=poll.agenda_item.session_id))
