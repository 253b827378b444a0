"""The signed copy (bản chính đã ký): once the chairman has signed the paper original, the office attaches its scan
to the decision, a PDF or an image, stored like a dossier's documents (workflow/dossiers/documents.py): recognised
by its content, not its name, within the size limit, under UPLOAD_DIR by its SHA-256. The uploader's file name is
kept for display only; the download is sent under a name made from the decision's number. Attaching again replaces
the copy; the audit chain keeps every SHA-256 attached, so the file on record can be proved unchanged.

A refused file leaves nothing behind; an accepted one whose transaction is later rolled back leaves at most an
unreferenced content file."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from models import Decision, User
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied, StaleObject
from workflow.core.messages import msg
from workflow.core.today import story_now
from workflow.decisions.documents import is_signed
from workflow.dossiers.documents import EXTENSIONS, MEDIA_TYPES, check_display_name, content_path, store_content
from workflow.permissions import can_draft_decision

ACCEPTED = (MEDIA_TYPES["pdf"], MEDIA_TYPES["jpg"], MEDIA_TYPES["png"])


def attach_signed_copy(
    session,
    decision: Decision,
    stream: BinaryIO,
    filename: str | None,
    actor: User,
    *,
    upload_dir: Path,
    version: int | None = None,
) -> Decision:
    """Attach (or replace) the scan of the signed original of a signed or published decision. Raises
    PermissionDenied (not the authority's office), StaleObject, InvalidInput (not signed yet; no name, a bad name,
    an empty or too big file, not a PDF, JPEG or PNG by its content, a name whose extension says otherwise)."""
    if not can_draft_decision(actor, decision):
        raise PermissionDenied()
    if version is not None and version != decision.version:
        raise StaleObject()
    if not is_signed(decision):
        raise InvalidInput({"decision": [msg("Chỉ đính kèm bản chính sau khi quyết định đã được ký.")]})
    if name_errors := check_display_name(filename):
        raise InvalidInput({"file": name_errors})
    stored = store_content(stream, upload_dir, filename, accepted=ACCEPTED)
    previous = decision.signed_copy_sha256
    decision.signed_copy_sha256 = stored.sha256
    decision.signed_copy_filename = filename.strip()
    decision.signed_copy_media_type = stored.media_type
    decision.signed_copy_size = stored.size
    decision.signed_copy_at = story_now()
    session.flush()
    audit.append(
        session,
        entity_type="decision",
        entity_id=decision.id,
        action="signed_copy_attached",
        actor_id=actor.id,
        data={
            "decision": decision.number_text,
            "sha256": stored.sha256,
            "name": decision.signed_copy_filename,
            "media_type": stored.media_type,
            "size": stored.size,
            "replaces": previous,
        },
    )
    return decision


def signed_copy_path(decision: Decision, upload_dir: Path) -> Path | None:
    """Where the signed copy's bytes are, or None when none is attached."""
    if decision.signed_copy_sha256 is None:
        return None
    return content_path(upload_dir, decision.signed_copy_sha256)


def served_as(decision: Decision) -> tuple[str, str]:
    """The media type and the ASCII name the copy is downloaded under, from the row: ban-chinh-1-2025.pdf."""
    extension = EXTENSIONS[decision.signed_copy_media_type][0]
    return decision.signed_copy_media_type, f"ban-chinh-{decision.number}-{decision.year}{extension}"
