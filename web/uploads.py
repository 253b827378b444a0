"""The dossier page's upload form, read into the service's terms: one file input per checklist item (its name
carries the item's key, so the kind and nominee come with it) and a free row with its own kind and nominee."""

from __future__ import annotations

from flask import request

from web.forms import DocumentForm
from web.params import MAX_ID, is_whole_number
from workflow.dossiers.attachments import Upload
from workflow.dossiers.checklist import Checklist

ITEM_FIELD = "item-file:"


def item_field(key: str) -> str:
    return ITEM_FIELD + key


def uploads_from(form: DocumentForm, checklist: Checklist) -> list[Upload]:
    """Every file chosen, in the order of the checklist then the free row; inputs left empty are skipped."""
    uploads = []
    for item in checklist.items:
        chosen = request.files.get(item_field(item.key))
        if chosen and chosen.filename:
            uploads.append(Upload(item_field(item.key), item.kind, item.nomination_id, chosen.stream, chosen.filename))
    for chosen in request.files.getlist(form.file.name):
        if chosen and chosen.filename:
            uploads.append(
                Upload(
                    form.file.name,
                    form.kind.data or "",
                    _chosen_id(form.nomination_id.data),
                    chosen.stream,
                    chosen.filename,
                    kind_field=form.kind.name,
                    nominee_field=form.nomination_id.name,
                )
            )
    return uploads


def _chosen_id(raw: str | None) -> int | None:
    """A picked nominee id; anything else (blank, or not a number) is the whole dossier, or a nominee the service
    then refuses as not of this dossier."""
    text = (raw or "").strip()
    if not text:
        return None
    return int(text) if is_whole_number(text) and 0 < int(text) <= MAX_ID else -1
