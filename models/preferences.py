"""A user's choices about notifications: which topic groups also come by e-mail, and the daily digest."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db


class NotificationPreference(db.Model):
    """One row per user who changed anything; a user without a row gets every e-mail and the digest."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Topic groups (workflow/notify/preferences.py::GROUPS) whose e-mails the user turned off.
    email_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=True)
