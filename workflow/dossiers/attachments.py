"""A dossier's documents while its unit edits it: several files in one go (each with its kind and, where the kind
is per nominee, its nominee), and taking out or moving a wrongly attached one. Every change is audited and earlier
versions stay on record: a removed document is flagged, a moved one is copied to its new place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from models import Document, Dossier, Nomination, RequiredDocument, User
from models.dossier import NominationState
from workflow.core import audit
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.messages import DataLabel, data_label, msg
from workflow.core.today import local_today
from workflow.dossiers.checklist import required_documents
from workflow.dossiers.documents import StoredFile, file_document, upload_document
from workflow.permissions import can_edit_dossier
from workflow.rules.applicable import rule_set_for

OTHER_DOCUMENT = "khac"
OTHER_LABEL = DataLabel("Tài liệu khác", "Other document")


@dataclass(frozen=True)
class Upload:
    """One file of a submission; `field` names the form input it came from, so an error lands next to it (the
    kind's and the nominee's problems too, unless they came from inputs of their own)."""

    field: str
    kind: str
    nomination_id: int | None
    stream: BinaryIO
    filename: str | None
    kind_field: str | None = None
    nominee_field: str | None = None


def _requirements(session: Session, dossier: Dossier) -> list[RequiredDocument]:
    return required_documents(session, rule_set_for(session, dossier, local_today()), dossier.procedure)


def kind_names(session: Session, dossier: Dossier) -> dict[str, DataLabel]:
    """Every kind the dossier's procedure knows, by name (also for documents whose nominee has left), then 'other'."""
    names = {req.kind: data_label(req) for req in _requirements(session, dossier)}
    return names | {OTHER_DOCUMENT: OTHER_LABEL}


def per_nominee_kinds(session: Session, dossier: Dossier) -> set[str]:
    return {req.kind for req in _requirements(session, dossier) if req.per_nominee}


def target_problems(
    session: Session,
    dossier: Dossier,
    kind: str,
    nomination: Nomination | None,
    kind_field: str = "kind",
    nominee_field: str = "nomination_id",
) -> dict[str, list[str]]:
    """Whether a document of `kind` may be filed for `nomination` (None: the whole dossier)."""
    names = kind_names(session, dossier)
    if kind not in names:
        return {kind_field: [msg("Loại tài liệu không hợp lệ.")]}
    if nomination is not None and (
        nomination.dossier_id != dossier.id or nomination.state == NominationState.WITHDRAWN
    ):
        return {nominee_field: [msg("Người được đề nghị không thuộc hồ sơ này.")]}
    if nomination is None and kind in per_nominee_kinds(session, dossier):
        message = msg(
            "%(kind)s là tài liệu riêng của từng người: chọn người/tập thể của tài liệu này.", kind=names[kind]
        )
        return {nominee_field: [message]}
    return {}


def add_documents(
    session: Session, dossier: Dossier, *, actor: User, uploads: list[Upload], upload_dir: Path
) -> list[Document]:
    """Add every file of one submission, or none: each file's problems are reported against its own input.
    Raises PermissionDenied, InvalidInput."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied()
    if not uploads:
        raise InvalidInput({"file": [msg("Chưa chọn tệp nào để tải lên.")]})
    nominations = {n.id: n for n in dossier.nominations}
    errors: dict[str, list[str]] = {}
    added = []
    for upload in uploads:
        nomination = nominations.get(upload.nomination_id) if upload.nomination_id is not None else None
        kind_field, nominee_field = upload.kind_field or upload.field, upload.nominee_field or upload.field
        if upload.nomination_id is not None and nomination is None:
            errors[nominee_field] = [msg("Người được đề nghị không thuộc hồ sơ này.")]
            continue
        if problems := target_problems(session, dossier, upload.kind, nomination, kind_field, nominee_field):
            errors.update(problems)
            continue
        try:
            added.append(
                upload_document(
                    session,
                    dossier,
                    actor=actor,
                    kind=upload.kind,
                    known_kinds={upload.kind},
                    stream=upload.stream,
                    filename=upload.filename,
                    upload_dir=upload_dir,
                    nomination=nomination,
                )
            )
        except InvalidInput as error:
            for name, messages in error.errors.items():
                errors.setdefault(upload.field if name == "file" else name, []).extend(messages)
    if errors:
        raise InvalidInput(errors)
    return added


def remove_document(session: Session, document: Document, *, actor: User) -> None:
    """Take a current document out of an editable dossier; it stays on record, flagged. Raises PermissionDenied,
    InvalidInput."""
    _editable(actor, document)
    document.removed = True
    session.flush()
    _audit(session, document, actor, "document_removed", {})


def reassign_document(
    session: Session, document: Document, *, actor: User, kind: str, nomination: Nomination | None
) -> Document:
    """File a current document under another kind or nominee: a copy takes the new place (as a new revision of
    whatever it replaces there) and the original is flagged removed. Raises PermissionDenied, InvalidInput."""
    _editable(actor, document)
    dossier = document.dossier
    if problems := target_problems(session, dossier, kind, nomination):
        raise InvalidInput(problems)
    nomination_id = nomination.id if nomination else None
    if kind == document.kind and nomination_id == document.nomination_id:
        raise InvalidInput({"kind": [msg("Tài liệu đã ở đúng loại và người này.")]})
    document.removed = True
    stored = StoredFile(document.content_hash, document.size_bytes, document.media_type)
    moved = file_document(
        session,
        dossier,
        kind=kind,
        nomination_id=nomination_id,
        stored=stored,
        name=document.original_name,
        actor=actor,
    )
    _audit(
        session,
        moved,
        actor,
        "document_reassigned",
        {"from_document_id": document.id, "from_kind": document.kind, "from_nomination_id": document.nomination_id},
    )
    return moved


def _editable(actor: User, document: Document) -> None:
    if not can_edit_dossier(actor, document.dossier):
        raise PermissionDenied()
    if not document.current:
        raise InvalidInput({"document": [msg("Chỉ gỡ hay chuyển được bản hiện hành của tài liệu.")]})


def _audit(session: Session, document: Document, actor: User, action: str, extra: dict) -> None:
    audit.append(
        session,
        entity_type="document",
        entity_id=document.id,
        dossier_id=document.dossier_id,
        action=action,
        actor_id=actor.id,
        data={
            "kind": document.kind,
            "name": document.original_name,
            "revision": document.revision,
            "nomination_id": document.nomination_id,
            **extra,
        },
    )
