"""Uploaded documents: checked by content (not by name), stored under UPLOAD_DIR by SHA-256.

The user's file name is kept for display only: it never becomes a path nor the name a download is sent under,
and its extension must agree with the content, so nobody is shown "invoice.html" holding a PDF. A rejected upload
leaves nothing behind; an accepted one that is later rolled back leaves at most an unreferenced content file."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Document, Dossier, Nomination, User
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import msg
from workflow.permissions import can_edit_dossier

MAX_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}

# What a display name must end with, by the type recognised from the content; the first is the one downloads use.
EXTENSIONS = {
    MEDIA_TYPES["pdf"]: (".pdf",),
    MEDIA_TYPES["docx"]: (".docx",),
    MEDIA_TYPES["xlsx"]: (".xlsx",),
    MEDIA_TYPES["jpg"]: (".jpg", ".jpeg"),
    MEDIA_TYPES["png"]: (".png",),
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str


def sniff_media_type(path: Path) -> str | None:
    """Recognise PDF, DOCX, XLSX, JPEG and PNG by their bytes; anything else is None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return MEDIA_TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MEDIA_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return MEDIA_TYPES["jpg"]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return MEDIA_TYPES["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return MEDIA_TYPES["xlsx"]
    return None


def check_display_name(name: str | None) -> list[str]:
    """What is wrong with the name alone. Control and format characters (Unicode Cc, Cf) are refused: "invoice",
    U+202E (right-to-left override), "fdp.exe" shows as "invoiceexe.pdf", and zero-width characters hide what a
    name says."""
    if not name or not name.strip():
        return [msg("Tệp không có tên.")]
    if "/" in name or "\\" in name or ".." in name:
        return [msg("Tên tệp không hợp lệ: không được chứa đường dẫn (/, \\, ..).")]
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return [
            msg(
                "Tên tệp không hợp lệ: không được chứa ký tự điều khiển hay ký tự ẩn "
                "(ký tự đảo chiều văn bản, ký tự không độ rộng)."
            )
        ]
    if len(name) > 255:
        return [msg("Tên tệp quá dài (tối đa 255 ký tự).")]
    return []


def check_extension(name: str, media_type: str) -> list[str]:
    """The name's extension must be the one of the type the content was recognised as (case aside)."""
    expected = EXTENSIONS[media_type]
    if name.strip().lower().endswith(expected):
        return []
    return [
        msg(
            "Nội dung tệp là %(kind)s nên tên tệp phải có đuôi %(extensions)s.",
            kind=expected[0][1:].upper(),
            extensions=" hoặc ".join(expected),
        )
    ]


def content_path(upload_dir: Path, sha256: str) -> Path:
    return upload_dir / sha256[:2] / sha256[2:4] / sha256


def store_content(
    stream: BinaryIO, upload_dir: Path, display_name: str, *, accepted: tuple[str, ...] | None = None
) -> StoredFile:
    """Copy the stream into the content store; raise InvalidInput (and keep nothing) when too big, of an
    unrecognised type, or of a type the display name's extension does not match. The type is known only once the
    bytes are in, so the name is checked here, before the file takes its place in the store. `accepted` narrows the
    types taken to some of MEDIA_TYPES' values."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix="upload-", dir=upload_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InvalidInput({"file": [msg("Tệp vượt quá dung lượng tối đa 20 MB.")]})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput({"file": [msg("Tệp rỗng.")]})
        media_type = sniff_media_type(tmp)
        if media_type is None:
            raise InvalidInput(
                {
                    "file": [
                        msg(
                            "Định dạng tệp không được chấp nhận: chỉ nhận PDF, DOCX, XLSX, JPG, PNG "
                            "(kiểm tra theo nội dung tệp, không theo tên)."
                        )
                    ]
                }
            )
        if accepted is not None and media_type not in accepted:
            kinds = ", ".join(EXTENSIONS[kind][0][1:].upper() for kind in accepted)
            raise InvalidInput(
                {"file": [msg("Định dạng tệp không được chấp nhận ở đây: chỉ nhận %(kinds)s.", kinds=kinds)]}
            )
        if extension_errors := check_extension(display_name, media_type):
            raise InvalidInput({"file": extension_errors})
        sha256 = digest.hexdigest()
        final = content_path(upload_dir, sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        return StoredFile(sha256, size, media_type)
    finally:
        tmp.unlink(missing_ok=True)


def upload_document(
    session: Session,
    dossier: Dossier,
    *,
    actor: User,
    kind: str,
    known_kinds: set[str],
    stream: BinaryIO,
    filename: str | None,
    upload_dir: Path,
    nomination: Nomination | None = None,
) -> Document:
    """Add a document (or a new revision of one) to a dossier being edited by its unit.
    Raises PermissionDenied, InvalidInput."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if kind not in known_kinds:
        errors["kind"] = [msg("Loại tài liệu không hợp lệ.")]
    if nomination is not None and nomination.dossier_id != dossier.id:
        errors["nomination_id"] = [msg("Người được đề nghị không thuộc hồ sơ này.")]
    if name_errors := check_display_name(filename):
        errors["file"] = name_errors
    if errors:
        raise InvalidInput(errors)
    stored = store_content(stream, upload_dir, filename)

    document = file_document(
        session,
        dossier,
        kind=kind,
        nomination_id=nomination.id if nomination else None,
        stored=stored,
        name=filename.strip(),
        actor=actor,
    )
    audit.append(
        session,
        entity_type="document",
        entity_id=document.id,
        dossier_id=dossier.id,
        action="document_uploaded",
        actor_id=actor.id,
        data={
            "kind": kind,
            "name": document.original_name,
            "sha256": stored.sha256,
            "revision": document.revision,
            "nomination_id": document.nomination_id,
        },
    )
    return document


def opens_inline(document: Document) -> bool:
    """PDFs and images are read in the browser's own viewer; office documents are downloaded."""
    return document.media_type in (MEDIA_TYPES["pdf"], MEDIA_TYPES["jpg"], MEDIA_TYPES["png"])


def file_document(
    session: Session,
    dossier: Dossier,
    *,
    kind: str,
    nomination_id: int | None,
    stored: StoredFile,
    name: str,
    actor: User,
) -> Document:
    """Put stored content in the dossier under `kind` (and a nominee): it becomes the next revision of whatever is
    current there, which is kept, superseded."""
    same_target = Document.nomination_id == nomination_id if nomination_id else Document.nomination_id.is_(None)
    previous = session.scalar(
        select(Document).where(
            Document.dossier_id == dossier.id,
            Document.kind == kind,
            same_target,
            Document.superseded.is_(False),
            Document.removed.is_(False),
        )
    )
    if previous is not None:
        previous.superseded = True
    document = Document(
        dossier=dossier,
        nomination_id=nomination_id,
        kind=kind,
        revision=(previous.revision + 1) if previous else 1,
        content_hash=stored.sha256,
        original_name=name,
        media_type=stored.media_type,
        size_bytes=stored.size,
        uploaded_by_id=actor.id,
    )
    session.add(document)
    session.flush()
    return document


def served_as(document: Document) -> tuple[str, str]:
    """The media type and file name a download is sent with. Both come from the row, never from the uploader's
    name: an ASCII name a browser cannot be talked into treating as a page or a program, e.g.
    HS-2024-00042-bao_cao_thanh_tich-r2-317.pdf. The kind comes from rule-set data, so it is reduced to
    [a-z0-9_] here rather than trusted."""
    kind = re.sub(r"[^a-z0-9_]+", "_", document.kind.lower())
    extension = EXTENSIONS[document.media_type][0]
    return document.media_type, f"{document.dossier.code}-{kind}-r{document.revision}-{document.id}{extension}"
