"""Forwarding upward (trình cấp trên, docs/DOMAIN.md §3): the approved nominations whose title the authority may
not decide (E13 routes them "forward") go to the authority above as one package, and its answer comes back.

The package is what the province's office files: the authority's proposal letter (tờ trình of the committee to the
higher chairman), each forwarded nominee's documents as the unit uploaded them, the council's minutes and ballot
count, and `manifest.json` giving every file's SHA-256 and size and the rule set that judged the nominations, so a
file altered or lost on the way is seen. The package that is actually sent is kept in the uploads store under its
SHA-256, which the `forward` audit entries record: the office can download the very same bytes later.

Forwarding fires `forward` on every nomination and on each dossier that then waits for nothing at this authority,
in the caller's transaction. A dossier that still has approved nominations for the chairman's own decision stays
where it is (its decision is still to be signed there); it closes, from `decided` or `forwarded`, once the last
province answer leaves every nomination final. Nothing here commits."""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AgendaItem,
    AuditEntry,
    Authority,
    AwardTitle,
    Council,
    CouncilSession,
    Document,
    Dossier,
    Nomination,
    Unit,
    User,
    UserRole,
)
from models.dossier import REASON_CATEGORIES, DossierState, NominationState
from models.org import Role
from workflow.core.engine import Firing, fire, fire_many
from workflow.core.errors import InvalidInput, PermissionDenied
from workflow.core.machines import DOSSIER, NOMINATION
from workflow.core.messages import msg
from workflow.core.today import LOCAL_TZ, local_today, story_now
from workflow.council.minutes import has_results, session_document_pdf
from workflow.decisions.drafting import NOT_CITED, awaiting_here_problems, nomination_label
from workflow.dossiers.documents import EXTENSIONS, content_path
from workflow.permissions import can_manage_council_review
from workflow.registry.entries import record_entry, title_names
from workflow.rendering.decision_docs import Awardee, AwardGroup, ProposalLetter, proposal_letter_pdf
from workflow.rendering.pdf import Letterhead, Signer
from workflow.rules.applicable import DEFAULT_BASIS, rule_set_for
from workflow.rules.competence import FORWARD, route_for
from workflow.rules.eligibility.basis import rule_book_for
from workflow.rules.money import award_amount

OUTCOMES = ("awarded", "declined")
LETTER_SYMBOL = "TTr-UBND"
LETTER_NAME = "to-trinh.pdf"
MANIFEST_NAME = "manifest.json"
TEXT_MAX = 200
NUMBER_MAX = 40
COMMENT_MAX = 1000
# Each document of a dossier under the name its kind says, never the uploader's file name (docs/DESIGN.md).
COUNCIL_DOCUMENTS = ("bien-ban-hop", "bien-ban-kiem-phieu")


@dataclass(frozen=True)
class Package:
    """The ZIP sent upward and its SHA-256 (the `forward` audit entries carry it)."""

    content: bytes
    sha256: str
    filename: str


# --- who goes up ---------------------------------------------------------------------------------------------------


def forward_problems(session: Session, authority: Authority, nomination: Nomination, day: date) -> list[str]:
    """Why this nomination cannot go up from `authority` on `day` (empty when it can): approved by the council,
    its dossier waiting for the decision here, and a title E13 sends upward."""
    problems = awaiting_here_problems(authority, nomination)
    if problems:
        return problems
    if _route(session, authority, nomination, day).route != FORWARD:
        problems.append(
            msg("%(nomination)s thuộc thẩm quyền quyết định của %(authority)s, không trình cấp trên.",
                nomination=nomination_label(nomination), authority=authority.short_name)
        )  # fmt: skip
    return problems


def _route(session: Session, authority: Authority, nomination: Nomination, day: date):
    book = rule_book_for(session, nomination, today=day, basis=DEFAULT_BASIS)
    return route_for(
        session, authority=authority, title_code=nomination.title_code, rule_set=book.rule_set, on=day,
        layers=book.layers,
    )  # fmt: skip


def why_forward(session: Session, authority: Authority, nomination: Nomination, day: date | None = None) -> str:
    """E13's words for why the title goes up (beyond the authority's level, or the authority no longer deciding on
    the expected decision day), so the office sees why a case it might expect to decide itself is listed."""
    return _route(session, authority, nomination, day or local_today()).reason


def awaiting_forwarding(session: Session, authority: Authority, day: date | None = None) -> list[Nomination]:
    """The authority's approved nominations that E13 sends upward, ready for the package."""
    day = day or local_today()
    candidates = session.scalars(
        select(Nomination)
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(
            Dossier.authority_id == authority.id,
            Dossier.state.in_((DossierState.AWAITING_DECISION, DossierState.DECIDED)),
            Nomination.state == NominationState.APPROVED,
        )
        .order_by(Dossier.id, Nomination.id)
    )
    return [n for n in candidates if not forward_problems(session, authority, n, day)]


def has_forwarding_cases(session: Session, dossier: Dossier, day: date | None = None) -> bool:
    """Whether some of the dossier's nominations are on the forwarding page: sent upward and unanswered, or ready
    to go up."""
    if any(n.state == NominationState.FORWARDED for n in dossier.nominations):
        return True
    day = day or local_today()
    return any(
        n.state == NominationState.APPROVED and not forward_problems(session, dossier.authority, n, day)
        for n in dossier.nominations
    )


def forwarded(session: Session, authority: Authority) -> list[Nomination]:
    """The authority's nominations sent upward and still waiting for the answer."""
    return list(
        session.scalars(
            select(Nomination)
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .where(Dossier.authority_id == authority.id, Nomination.state == NominationState.FORWARDED)
            .order_by(Dossier.id, Nomination.id)
        )
    )


def higher_authority(session: Session, authority: Authority, nomination: Nomination, day: date) -> Authority | None:
    """Who decides the title: the authority E13 names on the day, else the one directly above."""
    return _route(session, authority, nomination, day).competent or authority.parent


def _check(
    session: Session, authority: Authority, nominations: Sequence[Nomination], actor: User, day: date, field: str
):
    if not can_manage_council_review(actor, authority):
        raise PermissionDenied()
    if not nominations:
        raise InvalidInput({field: [msg("Cần chọn ít nhất một trường hợp trình cấp trên.")]})
    if len({n.id for n in nominations}) != len(nominations):
        raise InvalidInput({field: [msg("Mỗi trường hợp chỉ được ghi một lần.")]})
    problems = [p for n in nominations for p in forward_problems(session, authority, n, day)]
    if problems:
        raise InvalidInput({field: problems})


def nominations_by_ids(
    session: Session, authority: Authority, ids: Sequence[int], *, field: str = "nomination_ids"
) -> list[Nomination]:
    """The nominations a caller names by id (the API), in its order, repeats kept for `_check` to report. An id
    that is no nomination of `authority`'s dossiers is refused under `field` the same way whether it exists
    elsewhere or not, so another authority's cases cannot be probed."""
    found = {
        n.id: n
        for n in session.scalars(
            select(Nomination)
            .join(Dossier, Nomination.dossier_id == Dossier.id)
            .where(Nomination.id.in_(set(ids)), Dossier.authority_id == authority.id)
        )
    }
    unknown = [str(i) for i in dict.fromkeys(ids) if i not in found]
    if unknown:
        raise InvalidInput(
            {
                field: [
                    msg("Không có đề nghị nào mang mã %(ids)s trong các hồ sơ của cơ quan này.", ids=", ".join(unknown))
                ]
            }
        )
    return [found[i] for i in ids]


# --- the letter and the package ------------------------------------------------------------------------------------


def _chairman_name(session: Session, authority: Authority) -> str:
    user = session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Unit, User.unit_id == Unit.id)
        .where(UserRole.role == Role.CHAIRMAN, Unit.authority_id == authority.id, User.active.is_(True))
        .order_by(User.id)
    )
    return user.full_name if user else ""


def _sessions(session: Session, nominations: Sequence[Nomination]) -> list[CouncilSession]:
    return list(
        session.scalars(
            select(CouncilSession)
            .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
            .where(AgendaItem.nomination_id.in_([n.id for n in nominations]))
            .distinct()
            .order_by(CouncilSession.scheduled_at, CouncilSession.id)
        )
    )


def _legal_bases(session: Session, nominations: Sequence[Nomination], day: date) -> tuple[str, ...]:
    bases: list[str] = []
    for nomination in nominations:
        book = rule_book_for(session, nomination, today=day, basis=DEFAULT_BASIS)
        for rule_set in (book.rule_set, *book.layers):
            for text in rule_set.legal_source.split(";"):
                text = " ".join(text.split())
                if text and not any(mark in text for mark in NOT_CITED) and text not in bases:
                    bases.append(text)
    return tuple(bases)


def _groups(session: Session, nominations: Sequence[Nomination], higher: Authority | None, day: date):
    names = title_names(session)
    categories = dict(session.execute(select(AwardTitle.code, AwardTitle.category)).all())
    groups: dict[str, list[Awardee]] = {}
    for n in nominations:
        facts = n.year_facts
        unit = n.dossier.unit.name
        position = f"{facts.position}, {unit}" if facts is not None and facts.position else unit
        amount = award_amount(
            session, rule_set=rule_set_for(session, n.dossier, day), title_code=n.title_code, on=day,
            authority=higher, estimate=True,
        )  # fmt: skip
        groups.setdefault(n.title_code, []).append(
            Awardee(n.nominee.full_name, position, n.achievement.strip(), amount.amount_vnd)
        )
    kinds = {n.title_code: "tập thể" if n.nominee.kind != "person" else "cá nhân" for n in nominations}
    return tuple(
        AwardGroup(
            f"Tặng danh hiệu “{names.get(code, code)}”"
            if categories.get(code) == "title"
            else f"Tặng {names.get(code, code)}",
            tuple(awardees),
            kinds[code],
        )
        for code, awardees in groups.items()
    )


def proposal_letter(
    session: Session, authority: Authority, nominations: Sequence[Nomination], day: date | None = None
) -> ProposalLetter:
    """The committee's tờ trình to the higher chairman, unnumbered (the clerk numbers it in the register)."""
    day = day or local_today()
    higher = higher_authority(session, authority, nominations[0], day)
    sessions = _sessions(session, nominations)
    council = session.scalar(select(Council).where(Council.authority_id == authority.id).order_by(Council.id))
    titles = {n.title_code for n in nominations}
    considered = sum(
        1
        for s in sessions
        for item in s.agenda_items
        if item.poll is not None and session.get(Nomination, item.nomination_id).title_code in titles
    )
    names = title_names(session)
    summary = "Về việc đề nghị tặng " + ", ".join(
        dict.fromkeys(f"{names.get(n.title_code, n.title_code)} năm {n.year}" for n in nominations)
    )
    office = council.standing_office.name if council is not None else "VP"
    return ProposalLetter(
        letterhead=Letterhead("", authority.name.upper(), LETTER_SYMBOL, authority.place_name, day),
        summary=summary,
        addressee=f"Chủ tịch {higher.short_name}" if higher else "Cấp trên có thẩm quyền",
        legal_bases=_legal_bases(session, nominations, day),
        proposer=authority.name,
        council=council.name if council else "",
        council_day=sessions[0].scheduled_at.astimezone(LOCAL_TZ).date() if sessions else day,
        considered=max(considered, len(nominations)),
        groups=_groups(session, nominations, higher, day),
        signer=Signer(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), _chairman_name(session, authority)),
        recipients=("Như trên", f"Lưu: VT, {office}"),
    )


def _slug(text: str) -> str:
    """An ASCII folder name for a person ("Nguyễn Văn An" → "nguyen-van-an"), as every unzip tool shows it."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split()) or "x"


def _files(
    session: Session, authority: Authority, nominations: Sequence[Nomination], upload_dir: Path, day: date
) -> list[tuple[str, bytes]]:
    files = [(LETTER_NAME, proposal_letter_pdf(proposal_letter(session, authority, nominations, day)))]
    for council_session in _sessions(session, nominations):
        if has_results(council_session):
            for name in COUNCIL_DOCUMENTS:
                files.append(
                    (f"hoi-dong/phien-{council_session.id}-{name}.pdf",
                     session_document_pdf(session, council_session, name))
                )  # fmt: skip
    dossiers = list({n.dossier_id: n.dossier for n in nominations}.values())
    forwarded_ids = {n.id for n in nominations}
    for dossier in dossiers:
        for document in session.scalars(
            select(Document)
            .where(Document.dossier_id == dossier.id, Document.superseded.is_(False), Document.removed.is_(False))
            .order_by(Document.id)
        ):
            if document.nomination_id is not None and document.nomination_id not in forwarded_ids:
                continue
            folder = (
                f"{document.nomination.id}-{_slug(document.nomination.nominee.full_name)}"
                if document.nomination_id is not None
                else "chung"
            )
            extension = EXTENSIONS.get(document.media_type, (".bin",))[0]
            path = content_path(upload_dir, document.content_hash)
            files.append((f"ho-so/{dossier.code}/{folder}/{document.id}-{document.kind}{extension}",
                          path.read_bytes()))  # fmt: skip
    return files


def _manifest(session: Session, authority: Authority, nominations: Sequence[Nomination], files, day: date) -> dict:
    rule_sets = []
    for n in nominations:
        rule_set = rule_book_for(session, n, today=day, basis=DEFAULT_BASIS).rule_set
        entry = {"code": rule_set.code, "revision": rule_set.revision}
        if entry not in rule_sets:
            rule_sets.append(entry)
    return {
        "authority": authority.name,
        "prepared_on": day.isoformat(),
        "rule_sets": rule_sets,
        "nominations": [
            {
                "id": n.id,
                "nominee": n.nominee.full_name,
                "title_code": n.title_code,
                "year": n.year,
                "dossier": n.dossier.code,
                "unit": n.dossier.unit.name,
            }
            for n in nominations
        ],
        "files": [
            {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            for name, content in files
        ],
    }


def build_package(
    session: Session, authority: Authority, nominations: Sequence[Nomination], *, upload_dir: Path,
    day: date | None = None,
) -> Package:  # fmt: skip
    """The ZIP for `nominations` as it would go up today (see the module's docstring). Writes nothing."""
    day = day or local_today()
    nominations = list(nominations)
    files = _files(session, authority, nominations, upload_dir, day)
    manifest = _manifest(session, authority, nominations, files, day)
    buffer = io.BytesIO()
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*files, (MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2).encode())]:
            archive.writestr(zipfile.ZipInfo(name, stamp), content, zipfile.ZIP_DEFLATED)
    content = buffer.getvalue()
    return Package(content, hashlib.sha256(content).hexdigest(), f"ho-so-trinh-cap-tren-{day:%Y%m%d}.zip")


def preview_package(
    session: Session, authority: Authority, nominations: Sequence[Nomination], *, actor: User, upload_dir: Path,
    field: str = "nominations",
) -> Package:  # fmt: skip
    """The package the office checks before sending. Raises PermissionDenied, InvalidInput."""
    nominations = list(nominations)
    _check(session, authority, nominations, actor, local_today(), field)
    return build_package(session, authority, nominations, upload_dir=upload_dir)


def preview_letter(
    session: Session, authority: Authority, nominations: Sequence[Nomination], *, actor: User,
    field: str = "nominations",
) -> bytes:  # fmt: skip
    """The proposal letter alone, as PDF. Raises PermissionDenied, InvalidInput."""
    nominations = list(nominations)
    _check(session, authority, nominations, actor, local_today(), field)
    return proposal_letter_pdf(proposal_letter(session, authority, nominations))


def forward_to_province(
    session: Session, nominations: Iterable[Nomination], *, actor: User, upload_dir: Path, field: str = "nominations"
) -> Package:
    """Send `nominations` upward (see the module's docstring): the package is built and stored, every nomination
    and each dossier left waiting for nothing here are forwarded, the package's SHA-256 in their audit entries.
    Raises PermissionDenied, InvalidInput (what cannot go up, and why) before anything is written."""
    nominations = list(nominations)
    authority = nominations[0].dossier.authority if nominations else None
    if authority is None:
        raise InvalidInput({field: [msg("Cần chọn ít nhất một trường hợp trình cấp trên.")]})
    day = local_today()
    _check(session, authority, nominations, actor, day, field)
    package = build_package(session, authority, nominations, upload_dir=upload_dir, day=day)
    higher = higher_authority(session, authority, nominations[0], day)
    stored = content_path(upload_dir, package.sha256)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(package.content)
    data = {"package_sha256": package.sha256, "to": higher.name if higher else None}
    fire_many(NOMINATION, [Firing(n, "forward", data=data) for n in nominations], actor=actor)
    dossiers = list({n.dossier_id: n.dossier for n in nominations}.values())
    done_here = [d for d in dossiers if not any(n.state == NominationState.APPROVED for n in d.nominations)]
    fire_many(
        DOSSIER,
        [Firing(d, "forward", data={**data, "nominations": [n.id for n in nominations if n.dossier_id == d.id]})
         for d in done_here],
        actor=actor,
    )  # fmt: skip
    return package


def sent_package(session: Session, nomination: Nomination, *, upload_dir: Path) -> Package | None:
    """The ZIP that took `nomination` upward, as it was sent; None if it never went up (or the file is gone)."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "nomination", AuditEntry.entity_id == nomination.id,
               AuditEntry.action == "forward")
        .order_by(AuditEntry.id.desc())
    )  # fmt: skip
    if entry is None or not entry.data.get("package_sha256"):
        return None
    sha256 = entry.data["package_sha256"]
    path = content_path(upload_dir, sha256)
    if not path.is_file():
        return None
    day = entry.occurred_at.astimezone(LOCAL_TZ).date()
    return Package(path.read_bytes(), sha256, f"ho-so-trinh-cap-tren-{day:%Y%m%d}.zip")


# --- the answer ----------------------------------------------------------------------------------------------------


def _answer_errors(
    outcome: str, decision_number: str, decision_date: date | None, deciding_authority: str, reason: str | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [msg("Kết quả phải là cấp trên khen thưởng hoặc không khen thưởng.")]
    if not decision_number:
        errors["decision_number"] = [msg("Vui lòng nhập số văn bản trả lời của cấp trên.")]
    elif len(decision_number) > NUMBER_MAX:
        errors["decision_number"] = [msg("Tối đa %(limit)s ký tự.", limit=NUMBER_MAX)]
    if decision_date is None:
        errors["decision_date"] = [msg("Vui lòng nhập ngày của văn bản.")]
    elif decision_date > local_today():
        errors["decision_date"] = [msg("Ngày của văn bản không được sau ngày hôm nay.")]
    if not deciding_authority:
        errors["deciding_authority"] = [msg("Vui lòng nhập cơ quan quyết định.")]
    elif len(deciding_authority) > TEXT_MAX:
        errors["deciding_authority"] = [msg("Tối đa %(limit)s ký tự.", limit=TEXT_MAX)]
    if outcome == "declined" and reason not in REASON_CATEGORIES:
        errors["reason"] = [
            msg("Cần chọn lý do cấp trên không khen thưởng: sai đối tượng, không đạt tiêu chuẩn, hồ sơ không đầy đủ "
                "hoặc vi phạm pháp luật.")
        ]  # fmt: skip
    return errors


def record_province_answer(
    session: Session,
    nomination: Nomination,
    *,
    actor: User,
    outcome: str,
    decision_number: str,
    decision_date: date | None,
    deciding_authority: str,
    reason: str | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Nomination:
    """The higher level's answer for one forwarded nominee: "awarded" enters the registry under the province's
    decision number and date (money with the base salary in force that day), "declined" records the reason
    category. The dossier closes when this leaves every nomination final. Raises PermissionDenied, InvalidInput,
    TransitionNotAllowed (not forwarded), StaleObject (`expected_version`, the nomination's version the caller saw,
    is not the current one), all before the caller commits."""
    if not can_manage_council_review(actor, nomination.dossier):
        raise PermissionDenied()
    decision_number = " ".join((decision_number or "").split())
    deciding_authority = " ".join((deciding_authority or "").split())
    errors = _answer_errors(outcome, decision_number, decision_date, deciding_authority, reason)
    if len(comment or "") > COMMENT_MAX:
        errors["comment"] = [msg("Tối đa %(limit)s ký tự.", limit=COMMENT_MAX)]
    if errors:
        raise InvalidInput(errors)
    data = {
        "decision_number": decision_number,
        "decision_date": decision_date.isoformat(),
        "deciding_authority": deciding_authority,
        "comment": (comment or "").strip(),
    }
    dossier = nomination.dossier
    if outcome == "awarded":
        fire(NOMINATION, nomination, "record_higher_award", actor=actor, data=data, expected_version=expected_version)
        higher = higher_authority(session, dossier.authority, nomination, decision_date)
        record_entry(
            session,
            nominee=nomination.nominee,
            title_code=nomination.title_code,
            year=nomination.year,
            decision_number=decision_number,
            decision_date=decision_date,
            deciding_authority=deciding_authority,
            authority_id=higher.id if higher else None,
            nomination_id=nomination.id,
            money_vnd=award_amount(
                session, rule_set=rule_set_for(session, dossier, decision_date), title_code=nomination.title_code,
                on=decision_date, authority=higher,
            ).amount_vnd,
            actor=actor,
        )  # fmt: skip
    else:
        fire(
            NOMINATION, nomination, "record_higher_decline", actor=actor, data={**data, "reason": reason},
            changes={"outcome_reason": reason}, expected_version=expected_version,
        )  # fmt: skip
    if dossier.state in (DossierState.DECIDED, DossierState.FORWARDED) and all(
        n.state in NominationState.FINAL for n in dossier.nominations
    ):
        fire(DOSSIER, dossier, "close", actor=actor, data={"decision": decision_number},
             changes={"closed_at": story_now()})  # fmt: skip
    return nomination
