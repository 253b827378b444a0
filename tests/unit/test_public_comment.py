"""Public comment on state-level nominations (docs/DOMAIN.md §5, Decree 98/2023 Art. 46: 10 working days).

Hand count for a dossier accepted on Thursday 29 August 2024 (the acceptance day does not count): Fri 30 Aug is
day 1; Sat 31 Aug and Sun 1 Sep are the weekend; Mon 2 and Tue 3 Sep are the National Day holiday; Wed 4 to Fri
6 Sep are days 2–4; Mon 9 to Fri 13 Sep days 5–9; Mon 16 Sep is day 10. The council may take it up from Tuesday
17 September 2024."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from models import Dossier, Nomination, db
from tests.workflow_helpers import table_counts
from workflow.core.errors import InvalidInput
from workflow.council import sessions as service
from workflow.decisions import public

MEETING = datetime(2024, 9, 20, 1, 30, tzinfo=UTC)


@pytest.fixture
def state_level(accepted):
    """An accepted dossier whose first nomination is for the Prime Minister's certificate (a state-level title),
    eligible and ready for the council (setup only)."""
    dossier = accepted()
    nomination = dossier.nominations[0]
    db.session.execute(
        update(Nomination).where(Nomination.id == nomination.id).values(title_code="BANG_KHEN_TTG", state="eligible")
    )
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(accepted_on=date(2024, 8, 29)))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def _schedule(council, user, dossier):
    return service.schedule_session(
        db.session, council, actor=user("thuky"), scheduled_at=MEETING, location="Phòng họp số 1",
        title="Phiên họp xét khen thưởng", dossiers=[dossier],
    )  # fmt: skip


@pytest.mark.today("2024-09-16")
def test_the_period_counts_ten_working_days_past_the_weekend_and_the_national_day(state_level):
    period = public.comment_period(db.session, state_level.nominations[0])
    assert (period.opens, period.closes) == (date(2024, 8, 29), date(2024, 9, 16))
    # Titles below state level have no public comment.
    assert public.comment_period(db.session, state_level.nominations[1]) is None
    listed = public.open_for_comment(db.session)
    assert [(n.name, n.closes) for n in listed] == [(state_level.nominations[0].nominee.full_name, date(2024, 9, 16))]


@pytest.mark.today("2024-09-16")
def test_scheduling_is_refused_on_the_last_day_and_nothing_is_written(state_level, district_council, user):
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _schedule(district_council, user, state_level)
    db.session.rollback()
    (message,) = refused.value.errors["dossiers"]
    assert "lấy ý kiến công khai đến hết ngày 16/09/2024" in message
    assert table_counts() == before


@pytest.mark.today("2024-09-17")
def test_scheduling_is_allowed_the_working_day_after(state_level, district_council, user):
    _schedule(district_council, user, state_level)
    db.session.commit()
    assert db.session.get(Dossier, state_level.id).state == "in_council"
    assert public.open_for_comment(db.session) == []


@pytest.mark.today("2024-09-16")
def test_comments_are_kept_and_an_address_may_send_three_an_hour(state_level):
    nomination_id = state_level.nominations[0].id
    start = datetime(2024, 9, 16, 2, tzinfo=UTC)
    for minute in range(3):
        public.add_comment(
            db.session, nomination_id, name="Lê Văn Dân", contact="0905 123 456", text=f"Ý kiến {minute}",
            address="203.0.113.7", now=start + timedelta(minutes=minute),
        )  # fmt: skip
    db.session.commit()
    with pytest.raises(public.CommentThrottled) as throttled:
        public.add_comment(
            db.session, nomination_id, name="Lê Văn Dân", contact="0905", text="Lần thứ tư", address="203.0.113.7",
            now=start + timedelta(minutes=3),
        )  # fmt: skip
    # The first was sent at 09:00 local time: the fourth may go at 10:00, 57 minutes after 09:03.
    assert throttled.value.retry_after_seconds == 57 * 60
    # Another address is not held back.
    public.add_comment(
        db.session, nomination_id, name="Y Blép", contact="yblep@example.vn", text="Đồng ý", address="198.51.100.2",
        now=start + timedelta(minutes=3),
    )  # fmt: skip
    db.session.commit()
    assert [c.text for c in public.comments(db.session, state_level.authority_id)] == [
        "Đồng ý", "Ý kiến 2", "Ý kiến 1", "Ý kiến 0",
    ]  # fmt: skip


@pytest.mark.today("2024-09-16")
def test_a_comment_needs_every_field_and_an_open_nomination(state_level):
    with pytest.raises(InvalidInput) as refused:
        public.add_comment(
            db.session, state_level.nominations[1].id, name=" ", contact="", text="", address="203.0.113.7"
        )
    assert set(refused.value.errors) == {"nomination_id", "name", "contact", "text"}
