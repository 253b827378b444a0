"""Test setup for forwarding: a district dossier whose CSTĐ tỉnh nominations the council approved, with the
documents and the published polls a package is made of (setup only)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from models import AgendaItem, Council, CouncilSession, Document, db
from models.council import Poll
from tests.decision_helpers import awaiting_decision
from tests.workflow_helpers import FROZEN_AT_START
from workflow.dossiers.documents import content_path

PDF = b"%PDF-1.4\n% ban thanh tich ca nhan\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload_dir():
    return Path(current_app.config["UPLOAD_DIR"])


def forwardable(names=("Lò Thị Hoa",)):
    """A Plei Kần dossier awaiting the decision with approved CSTĐ tỉnh nominations, each voted on in a published
    poll of a closed council session, and each with its report of achievements stored (setup only)."""
    dossier = awaiting_decision(names=names, title="CSTD_TINH")
    council = db.session.scalar(select(Council).order_by(Council.id))
    held = CouncilSession(
        council=council, title="Phiên họp kiểm thử", scheduled_at=datetime(2025, 6, 10, 7, tzinfo=UTC), state="closed"
    )
    db.session.add(held)
    db.session.flush()
    for position, nomination in enumerate(dossier.nominations, start=1):
        item = AgendaItem(session_id=held.id, nomination_id=nomination.id, position=position)
        db.session.add(item)
        db.session.flush()
        db.session.add(Poll(agenda_item_id=item.id, state="published", **{**FROZEN_AT_START, "yes_count": 8}))
        content = PDF + nomination.nominee.full_name.encode()
        sha = hashlib.sha256(content).hexdigest()
        path = content_path(upload_dir(), sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        db.session.add(
            Document(dossier_id=dossier.id, nomination_id=nomination.id, kind="achievement_report",
                     content_hash=sha, original_name="bao-cao.pdf", media_type="application/pdf",
                     size_bytes=len(content), uploaded_by_id=dossier.created_by_id)
        )  # fmt: skip
    db.session.commit()
    return dossier
