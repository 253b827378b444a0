"""What the public sends in during a state-level nomination's public comment period (docs/DOMAIN.md §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db
from models.dossier import Nomination


class PublicComment(db.Model):
    """One comment on a nomination listed for public comment; the address is kept only to rate-limit senders."""

    __tablename__ = "public_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    nomination: Mapped[Nomination] = relationship()
