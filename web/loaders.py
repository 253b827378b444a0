"""Loading the row a URL names, for the permission decorators (`load=`) and the views alike: 404 when it does not
exist, so a predicate is only ever asked about a real row."""

from __future__ import annotations

from flask import abort

from models import Document, Dossier, IdentityMatch, Initiative, Nomination, Nominee, Unit, db


def load_dossier(dossier_id: int, **_) -> Dossier:
    return db.get_or_404(Dossier, dossier_id)


def load_nomination(nomination_id: int, **_) -> Nomination:
    return db.get_or_404(Nomination, nomination_id)


def load_dossier_nomination(dossier_id: int, nomination_id: int, **_) -> Nomination:
    """A nomination through its dossier's URL: 404 when it belongs to another dossier."""
    nomination = load_nomination(nomination_id)
    if nomination.dossier_id != dossier_id:
        abort(404)
    return nomination


def load_document(document_id: int, **_) -> Document:
    return db.get_or_404(Document, document_id)


def load_nominee(nominee_id: int, **_) -> Nominee:
    return db.get_or_404(Nominee, nominee_id)


def load_match(match_id: int, **_) -> IdentityMatch:
    return db.get_or_404(IdentityMatch, match_id)


def load_initiative(initiative_id: int, **_) -> Initiative:
    return db.get_or_404(Initiative, initiative_id)


def load_unit(unit_id: int, **_) -> Unit:
    return db.get_or_404(Unit, unit_id)
