"""Per-user notification preferences: turning a topic group's e-mail off stops those e-mails (checked against a
real local SMTP server) but never the in-app notification; the other groups keep coming."""

from __future__ import annotations

import pytest

from models import db
from models.base import utcnow
from tests.unit.test_dispatcher import children, emit, find_user, make_dossier_row, notified_usernames, settings_for
from tests.unit.test_email import smtp_server
from workflow.core.errors import InvalidInput
from workflow.notify.dispatcher import dispatch_pending
from workflow.notify.preferences import group_of, preferences_of, save_preferences

RETURNED = dict(audiences=["unit_officers", "unit_heads"], topic="dossier.returned", action="return_for_supplement")


def test_a_group_turned_off_stops_its_email_but_keeps_the_notification(demo):
    save_preferences(db.session, find_user("canbo.pleikan"), email_on=["council", "decision", "deadline"],
                     daily_digest=True)  # fmt: skip
    event = emit(make_dossier_row(), actor="noivu", **RETURNED)

    with smtp_server() as (inbox, port):
        dispatch_pending(db.session, utcnow(), settings=settings_for(mail_port=port))

    # Both of Plei Kần's people are told in the app; only the head, who changed nothing, by e-mail.
    assert notified_usernames(event) == ["canbo.pleikan", "truong.pleikan"]
    assert set(inbox.parsed()) == {"truong.pleikan@ngochoi.example"}
    assert [m.recipient for m in children(event, "email")] == ["truong.pleikan@ngochoi.example"]


def test_turning_off_another_group_leaves_this_ones_email(demo):
    save_preferences(db.session, find_user("canbo.pleikan"), email_on=["dossier"], daily_digest=False)
    emit(make_dossier_row(), actor="noivu", **RETURNED)

    with smtp_server() as (inbox, port):
        dispatch_pending(db.session, utcnow(), settings=settings_for(mail_port=port))

    assert set(inbox.parsed()) == {"canbo.pleikan@ngochoi.example", "truong.pleikan@ngochoi.example"}


def test_a_user_who_never_chose_gets_every_email_and_the_digest(demo):
    chosen = preferences_of(db.session, find_user("noivu"))
    assert chosen.email_off == frozenset() and chosen.daily_digest is True


def test_saving_twice_keeps_one_row_with_the_last_choice(demo):
    officer = find_user("canbo.pleikan")
    save_preferences(db.session, officer, email_on=[], daily_digest=False)
    save_preferences(db.session, officer, email_on=["deadline", "dossier"], daily_digest=True)
    db.session.commit()

    chosen = preferences_of(db.session, officer)
    assert chosen.email_off == {"council", "decision"}
    assert chosen.daily_digest is True


def test_an_unknown_group_is_refused_by_name(demo):
    with pytest.raises(InvalidInput) as refused:
        save_preferences(db.session, find_user("canbo.pleikan"), email_on=["dossier", "weather"], daily_digest=True)
    assert "weather" in str(refused.value.errors["email_on"][0])


@pytest.mark.parametrize(
    ("topic", "group"),
    [
        ("dossier.returned", "dossier"),
        ("dossier.submitted_to_head", "dossier"),
        ("nomination.found_ineligible", "dossier"),
        ("identity_match.rejected", "dossier"),
        ("dossier.scheduled", "council"),
        ("nomination.not_approved", "council"),
        ("poll.published", "council"),
        ("dossier.decided", "decision"),
        ("nomination.awarded", "decision"),
        ("nomination.revoked", "decision"),
        ("decision.signed", "decision"),
        ("dossier.overdue", "deadline"),
        ("dossier.deadline_near", "deadline"),
    ],
)
def test_each_topic_falls_in_the_group_a_clerk_would_look_for(topic, group):
    assert group_of(topic) == group
