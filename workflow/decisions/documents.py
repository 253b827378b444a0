"""A decision's documents read from the database (docs/DOMAIN.md §7): the decision itself as it will print (a draft
without its number, a signed one with it), the standing office's proposal letter (Tờ trình) to the chairman that
asks for it, and, once signed, each awardee's certificate (Giấy khen). Pure reading: nothing here writes.

The document objects are those of workflow/rendering/decision_docs.py, so the PDF and the DOCX of one document say
the same thing; the helpers at the end give the files and the names they are downloaded under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from models import (
    AgendaItem,
    Authority,
    AwardTitle,
    Council,
    Decision,
    Nomination,
    RegistryEntry,
    Role,
    RuleSet,
    Unit,
    User,
)
from models.decision import DecisionState
from models.org import UserRole
from workflow.core.errors import InvalidInput
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ, local_today
from workflow.council.minutes import RESULT_STATES
from workflow.decisions.drafting import _sessions, article_one
from workflow.rendering.decision_docs import (
    Awardee,
    AwardGroup,
    Certificate,
    DecisionDocument,
    ProposalLetter,
    certificate_pdf,
    decision_pdf,
    proposal_letter_pdf,
)
from workflow.rendering.docx import decision_docx, proposal_letter_docx
from workflow.rendering.pdf import Letterhead, Signer

DECISION_SYMBOL = "QĐ-UBND"
SIGNED_STATES = (DecisionState.SIGNED, DecisionState.PUBLISHED)
# Left for the clerk to write in by hand when the registry entry has no golden-book number yet.
BLANK = "…………………"
KINDS = {"person": "cá nhân", "collective": "tập thể", "household": "hộ gia đình"}
AUTHORITY_PREFIX = "Ủy ban nhân dân"
# The last executor drafting writes: Article 2 of the print names them itself.
NAMED_IN_ARTICLE_1 = "các cá nhân, tập thể có tên tại Điều 1"


def is_signed(decision: Decision) -> bool:
    return decision.state in SIGNED_STATES


def _issuing_body(authority: Authority) -> str:
    """ "Ủy ban nhân dân huyện Ngọc Hồi" → "ỦY BAN NHÂN DÂN\\nHUYỆN NGỌC HỒI", as the letterhead prints it."""
    name = authority.name
    if name.lower().startswith(AUTHORITY_PREFIX.lower()):
        rest = name[len(AUTHORITY_PREFIX) :].strip()
        return f"{AUTHORITY_PREFIX.upper()}\n{rest.upper()}" if rest else AUTHORITY_PREFIX.upper()
    return name.upper()


def _strip(line: str, prefix: str, ends: str) -> str:
    """The stored line without the words the print adds around it: "Căn cứ …;" → "…"."""
    line = " ".join(line.split())
    if line.lower().startswith(prefix.lower()):
        line = line[len(prefix) :].lstrip()
    return line.rstrip(ends).rstrip()


def _listed(lines: list[str]) -> tuple[str, ...]:
    """Recipients as Decree 30/2020 lists them: each line ends with ";", the last with "."."""
    lines = [line.strip().rstrip(";.").rstrip() for line in lines if line.strip()]
    return tuple(f"{line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines))


def _title_kinds(session: Session) -> dict[str, str]:
    """Each title code's category (title or form) as the newest rule set has it."""
    rows = session.execute(
        select(AwardTitle.code, AwardTitle.category)
        .join(RuleSet, AwardTitle.rule_set_id == RuleSet.id)
        .order_by(RuleSet.effective_from, RuleSet.revision, AwardTitle.id)
    )
    return dict(rows.all())


def _group_title(name: str, category: str | None) -> str:
    return f"Tặng danh hiệu “{name}”" if category == "title" else f"Tặng {name}"


def awardee_position(nomination) -> str:
    """ "Giáo viên, Trường Tiểu học Kim Đồng": the position of the year when the unit gave one, then the unit."""
    nominee = nomination.nominee
    facts = nomination.year_facts
    unit = nominee.unit or nomination.dossier.unit
    if facts is not None and facts.unit_id is not None and facts.unit_id != unit.id:
        unit = object_session(nomination).get(Unit, facts.unit_id) or unit
    if nominee.kind != "person":
        return unit.name if unit.name != nominee.full_name else nomination.dossier.unit.name
    position = (facts.position if facts is not None else "").strip()
    return f"{position}, {unit.name}" if position else unit.name


def award_groups(session: Session, decision: Decision, *, on: date | None = None) -> tuple[AwardGroup, ...]:
    """Article 1 as printed: by title, each awardee with the achievement and the money (fixed once signed, the
    estimate on `on` until then)."""
    categories = _title_kinds(session)
    groups = []
    for group in article_one(session, decision, on=on):
        awardees = tuple(
            Awardee(
                name=line.nomination.nominee.full_name,
                position=awardee_position(line.nomination),
                achievement=line.item.achievement,
                money_vnd=line.amount_vnd,
            )
            for line in group.lines
        )
        kind = KINDS.get(group.lines[0].nomination.nominee.kind, "cá nhân")
        groups.append(AwardGroup(_group_title(group.title_name, categories.get(group.title_code)), awardees, kind))
    return tuple(groups)


def _chairman(session: Session, authority: Authority) -> User | None:
    """The authority's chairman: the active user with the chairman's role in one of its units."""
    return session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Unit, Unit.id == User.unit_id)
        .where(UserRole.role == Role.CHAIRMAN, Unit.authority_id == authority.id, User.active)
        .order_by(User.id)
    )


def _day(decision: Decision) -> date:
    return decision.signed_on or local_today()


def decision_document(session: Session, decision: Decision) -> DecisionDocument:
    """The decision as it prints: a draft (or one awaiting signature) has no number, today's date, the estimated
    money and the chairman's name under "TM."; a signed one its number, date, fixed money and signer."""
    authority = decision.authority
    content = decision.content or {}
    if decision.signer is not None:
        signer_name = decision.signer.full_name
    else:
        chairman = _chairman(session, authority)
        signer_name = chairman.full_name if chairman else ""
    executors = [line for line in content.get("executors", []) if line.strip() and line.strip() != NAMED_IN_ARTICLE_1]
    return DecisionDocument(
        letterhead=Letterhead(
            "", _issuing_body(authority), DECISION_SYMBOL, authority.place_name, _day(decision), decision.number
        ),
        summary=decision.summary,
        deciding_authority=f"CHỦ TỊCH {authority.name.upper()}",
        legal_bases=tuple(_strip(line, "Căn cứ", ";.") for line in content.get("legal_bases", []) if line.strip()),
        proposed_by=_strip(content.get("recital", ""), "Xét đề nghị của", ".;"),
        groups=award_groups(session, decision, on=decision.signed_on),
        executors=tuple(executors),
        signer_capacity=decision.signer_capacity or "chairman",
        signer_name=signer_name,
        recipients=_listed(content.get("recipients", [])),
    )


# --- The proposal letter ---------------------------------------------------------------------------------------


def _council(session: Session, authority: Authority) -> Council | None:
    return session.scalar(select(Council).where(Council.authority_id == authority.id).order_by(Council.id))


def _initials(name: str) -> str:
    """ "Phòng Nội vụ" → "PNV": the office's mark in its symbols (TTr-PNV)."""
    words = name.split("(")[0].split()
    return "".join(w if w.isupper() else w[0].upper() for w in words if w[0].isalpha())[:8] or "VP"


def _head_title(office: Unit) -> str:
    lowered = office.name.lower()
    if lowered.startswith("văn phòng"):
        return "CHÁNH VĂN PHÒNG"
    if lowered.startswith("phòng"):
        return "TRƯỞNG PHÒNG"
    return "THỦ TRƯỞNG CƠ QUAN"


def _office_head(session: Session, office: Unit) -> User | None:
    return session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.UNIT_HEAD, User.unit_id == office.id, User.active)
        .order_by(User.id)
    )


def _letter_summary(summary: str) -> str:
    """ "Về việc khen thưởng …" → "Về việc đề nghị khen thưởng …"."""
    prefix = "Về việc "
    if summary.startswith(prefix) and not summary[len(prefix) :].startswith("đề nghị"):
        return f"{prefix}đề nghị {summary[len(prefix) :]}"
    return summary


def proposal_letter(session: Session, decision: Decision) -> ProposalLetter:
    """The standing office's Tờ trình to the chairman proposing the decision: the same bases, the council's result
    from the sessions that voted on its nominations, the same list. Dated the day the decision was drafted; its
    own number is left for the clerk (the office's register of proposal letters is kept by hand).

    The council's result counts, as passed, the cases proposed here, and as considered those plus every case of the
    same dossiers the council voted on in those sessions and did not pass."""
    authority = decision.authority
    council = _council(session, authority)
    office = council.standing_office if council is not None else None
    office_name = office.name if office is not None else "Văn phòng"
    nominations = [item.nomination for item in decision.items]
    sessions = _sessions(session, nominations) if nominations else []
    if sessions:
        council_name = sessions[-1].council.name
        council_day = (sessions[-1].opened_at or sessions[-1].scheduled_at).astimezone(LOCAL_TZ).date()
    else:
        council_name = council.name if council is not None else ""
        council_day = None
    dossier_ids = {n.dossier_id for n in nominations}
    proposed = {n.id for n in nominations}
    failed = set()
    for council_session in sessions:
        for agenda in council_session.agenda_items:
            poll = agenda.poll
            if poll is None or poll.state not in RESULT_STATES or agenda.nomination_id in proposed or poll.passed:
                continue
            if _dossier_of_nomination(session, agenda) in dossier_ids:
                failed.add(agenda.nomination_id)
    created = decision.created_at.astimezone(LOCAL_TZ).date() if decision.created_at else local_today()
    head = _office_head(session, office) if office is not None else None
    mark = _initials(office_name)
    doc = decision_document(session, decision)
    return ProposalLetter(
        letterhead=Letterhead(authority.short_name, office_name, f"TTr-{mark}", authority.place_name, created),
        summary=_letter_summary(decision.summary),
        addressee=f"Chủ tịch {authority.short_name}",
        legal_bases=doc.legal_bases,
        proposer=office_name,
        council=council_name,
        council_day=council_day or created,
        considered=len(nominations) + len(failed),
        groups=doc.groups,
        signer=Signer(
            (_head_title(office) if office is not None else "THỦ TRƯỞNG CƠ QUAN",), head.full_name if head else ""
        ),
        recipients=("Như trên;", f"Lưu: VT, {mark}."),
    )


def _dossier_of_nomination(session: Session, agenda: AgendaItem) -> int | None:
    nomination = session.get(Nomination, agenda.nomination_id)
    return nomination.dossier_id if nomination is not None else None


# --- Certificates ------------------------------------------------------------------------------------------------


def certificates(session: Session, decision: Decision) -> list[Certificate]:
    """One Giấy khen per awardee of a signed (or published) decision, in Article 1's order: the decision's number
    and date, and the golden-book number of the awardee's registry entry (a blank for the clerk when it has none).
    Raises InvalidInput before the decision is signed."""
    if not is_signed(decision):
        raise InvalidInput({"decision": [msg("Quyết định chưa được ký, nên chưa in được giấy khen.")]})
    authority = decision.authority
    entries = {
        entry.nomination_id: entry
        for entry in session.scalars(select(RegistryEntry).where(RegistryEntry.decision_id == decision.id))
    }
    capacity = decision.signer_capacity or "chairman"
    result = []
    for item in decision.items:
        nomination = item.nomination
        entry = entries.get(nomination.id)
        result.append(
            Certificate(
                granted_by=f"Chủ tịch {authority.name}",
                awardee_name=nomination.nominee.full_name,
                unit=awardee_position(nomination),
                achievement=item.achievement,
                decision_number=decision.number,
                decision_symbol=DECISION_SYMBOL,
                decision_day=decision.signed_on,
                golden_book_number=((entry.golden_book_number or "").strip() if entry else "") or BLANK,
                place=authority.place_name,
                day=decision.signed_on,
                signer_capacity=capacity,
                signer_name=decision.signer.full_name if decision.signer else "",
            )
        )
    return result


# --- Files ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class File:
    content: bytes
    filename: str
    mimetype: str


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stem(decision: Decision) -> str:
    return f"{decision.number}-{decision.year}" if decision.number is not None else f"du-thao-{decision.id}"


def decision_pdf_bytes(session: Session, decision: Decision) -> bytes:
    return decision_pdf(decision_document(session, decision))


def decision_docx_bytes(session: Session, decision: Decision) -> bytes:
    return decision_docx(decision_document(session, decision))


def proposal_letter_pdf_bytes(session: Session, decision: Decision) -> bytes:
    return proposal_letter_pdf(proposal_letter(session, decision))


def proposal_letter_docx_bytes(session: Session, decision: Decision) -> bytes:
    return proposal_letter_docx(proposal_letter(session, decision))


def decision_file(session: Session, decision: Decision, fmt: str) -> File:
    """The decision as "pdf" or "docx", with the name it is downloaded under."""
    if fmt == "docx":
        return File(decision_docx_bytes(session, decision), f"quyet-dinh-{_stem(decision)}.docx", DOCX)
    return File(decision_pdf_bytes(session, decision), f"quyet-dinh-{_stem(decision)}.pdf", PDF)


def proposal_letter_file(session: Session, decision: Decision, fmt: str) -> File:
    if fmt == "docx":
        return File(proposal_letter_docx_bytes(session, decision), f"to-trinh-{_stem(decision)}.docx", DOCX)
    return File(proposal_letter_pdf_bytes(session, decision), f"to-trinh-{_stem(decision)}.pdf", PDF)


def certificate_file(session: Session, decision: Decision, position: int) -> File:
    """The certificate of Article 1's line `position` (from 1). Raises InvalidInput before signing, LookupError
    for a position the decision does not have."""
    found = certificates(session, decision)
    if not 1 <= position <= len(found):
        raise LookupError(position)
    return File(certificate_pdf(found[position - 1]), f"giay-khen-{_stem(decision)}-{position}.pdf", PDF)
