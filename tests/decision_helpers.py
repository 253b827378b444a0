"""Test setup for decisions: dossiers of the demo district waiting for the decision with approved nominations, and
decisions drafted from them through the services."""

from __future__ import annotations

from sqlalchemy import select

from models import Authority, Decision, Dossier, Nomination, Nominee, Unit, User, db


def awaiting_decision(year: int = 2024, names: tuple[str, ...] = ("Nguyễn Văn An",), title: str = "LDTT") -> Dossier:
    """A Plei Kần dossier placed directly in awaiting_decision with one approved nomination per name (setup only)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == "TT-PLEIKAN"))
    officer = db.session.scalar(select(User).where(User.username == "canbo.pleikan"))
    dossier = Dossier(
        unit_id=unit.id,
        authority_id=unit.authority_id,
        procedure="regular",
        year=year,
        title=f"Đề nghị khen thưởng năm {year}",
        created_by_id=officer.id,
        state="awaiting_decision",
    )
    db.session.add(dossier)
    db.session.flush()
    for name in names:
        nominee = Nominee(kind="person", full_name=name, unit_id=unit.id)
        db.session.add(nominee)
        db.session.flush()
        db.session.add(
            Nomination(dossier_id=dossier.id, nominee_id=nominee.id, title_code=title, year=year, state="approved")
        )
    db.session.commit()
    return dossier


def district() -> Authority:
    return db.session.scalar(select(Authority).where(Authority.code == "UBND-NGOCHOI"))


def awaiting_signature(user, *dossiers: Dossier) -> Decision:
    """A decision drafted by the office from every nomination of `dossiers` and sent for signature."""
    from workflow.decisions import drafting, signing

    nominations = [n for d in dossiers for n in d.nominations]
    decision = drafting.draft_decision(db.session, district(), nominations, user("noivu"))
    signing.submit_for_signature(db.session, decision, actor=user("noivu"))
    db.session.commit()
    return decision
