"""The quorum of a council session: the voting members present against the whole voting membership on the
session day. No poll starts without it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Attendance, CouncilSession
from workflow.core.today import local_day
from workflow.council.rules import reaches, voting_members


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    ratio_needed: Decimal
    reached: bool

    @property
    def needed(self) -> int:
        """The smallest number present that reaches the ratio."""
        return next((n for n in range(self.members + 1) if reaches(n, self.ratio_needed, self.members)), self.members)


def quorum_of(session: Session, council_session: CouncilSession, ratio: Decimal) -> Quorum:
    """`ratio` is the council's quorum ratio for the day (workflow/council/rules.py::council_rules)."""
    day = local_day(council_session.scheduled_at)
    members = {m.user_id for m in voting_members(session, council_session.council, day)}
    present = set(
        session.scalars(
            select(Attendance.user_id).where(
                Attendance.session_id == council_session.id, Attendance.status == "present"
            )
        )
    )
    count = len(members & present)
    return Quorum(count, len(members), ratio, reaches(count, ratio, len(members)))
