"""The decision API: the office drafts a decision from a dossier's approved nominations, edits it and sends it for
signature; the chairman signs it on the suite's day (16 June 2025), which numbers it 1/QĐ-UBND, awards the
nominees, writes the registry with the district's first golden-book numbers and closes the dossier; the office
then attaches the scan of the signed original. Money (docs/DOMAIN.md §3.4): LĐTT is 0.3 × the base salary of
2,340,000 VND in force since 1 July 2024 = 702,000, rounded up to 710,000 VND."""

from __future__ import annotations

import hashlib
import io

import docx
from sqlalchemy import select

from models import AuditEntry, Decision, Dossier, Nomination, RegistryEntry, db
from tests.conftest import PDF_BYTES
from tests.decision_helpers import awaiting_decision, awaiting_signature
from tests.unit.test_minutes_pdf import pdf_text
from tests.web.test_api import api, problem  # noqa: F401  (the fixture)
from tests.workflow_helpers import table_counts

NAMES = ("Nguyễn Văn An", "Trần Thị Bình")


def draft(api, dossier, username="noivu"):  # noqa: F811
    return api.post(username, "/decisions", json={"nomination_ids": [n.id for n in dossier.nominations]})


def act(api, username, decision_id, trigger, version, **data):  # noqa: F811
    body = {"trigger": trigger, "version": version, "data": data}
    return api.post(username, f"/decisions/{decision_id}/transitions", json=body)


def test_a_decision_goes_from_draft_to_signed_and_closes_the_dossier(api, user):  # noqa: F811
    dossier = awaiting_decision(names=NAMES)
    created = draft(api, dossier)
    assert created.status_code == 201, created.json
    body = created.json
    assert created.headers["Location"].endswith(f"/api/v1/decisions/{body['id']}")
    assert (body["state"], body["number_text"], body["available_triggers"]) == ("draft", None, ["submit_for_signature"])
    assert [(i["position"], i["nominee"], i["title_code"]) for i in body["items"]] == [
        (1, "Nguyễn Văn An", "LDTT"),
        (2, "Trần Thị Bình", "LDTT"),
    ]
    assert [i["amount_vnd"] for i in body["items"]] == [710_000, 710_000]
    assert (body["amounts_are_estimates"], body["total_vnd"]) == (True, 1_420_000)
    assert body["content"]["recital"].startswith("Xét đề nghị của Thị trấn Plei Kần")

    first, second = body["items"]
    edited = api.put(
        "noivu",
        f"/decisions/{body['id']}",
        json={
            "version": body["version"],
            "summary": "Về việc tặng danh hiệu Lao động tiên tiến năm 2024",
            "content": {"recipients": ["Như Điều 2", "Lưu: VT"]},
            "items": [
                {"nomination_id": second["nomination_id"], "achievement": "Hoàn thành xuất sắc nhiệm vụ"},
                {"nomination_id": first["nomination_id"], "achievement": "Hoàn thành tốt nhiệm vụ"},
            ],
        },
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["summary"] == "Về việc tặng danh hiệu Lao động tiên tiến năm 2024"
    assert edited.json["content"]["recipients"] == ["Như Điều 2", "Lưu: VT"]
    assert [(i["nominee"], i["achievement"]) for i in edited.json["items"]] == [
        ("Trần Thị Bình", "Hoàn thành xuất sắc nhiệm vụ"),
        ("Nguyễn Văn An", "Hoàn thành tốt nhiệm vụ"),
    ]

    submitted = act(api, "noivu", body["id"], "submit_for_signature", edited.json["version"])
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["state"] == "awaiting_signature"
    assert api.get("chutich", f"/decisions/{body['id']}").json["available_triggers"] == ["send_back", "sign"]

    signed = act(api, "chutich", body["id"], "sign", submitted.json["version"])
    assert signed.status_code == 200, signed.json
    result = signed.json
    assert (result["state"], result["number"], result["year"], result["number_text"], result["signed_on"]) == (
        "signed", 1, 2025, "1/QĐ-UBND", "2025-06-16",
    )  # fmt: skip
    assert (result["signer"], result["signer_capacity"], result["amounts_are_estimates"]) == (
        user("chutich").full_name, "chairman", False,
    )  # fmt: skip
    assert [i["amount_vnd"] for i in result["items"]] == [710_000, 710_000]

    db.session.expire_all()
    stored = db.session.get(Dossier, dossier.id)
    assert stored.state == "closed"
    assert [n.state for n in stored.nominations] == ["awarded", "awarded"]
    entries = db.session.execute(
        select(Nomination.id, RegistryEntry.decision_number, RegistryEntry.money_vnd)
        .join(RegistryEntry, RegistryEntry.nomination_id == Nomination.id)
        .order_by(Nomination.id)
    ).all()
    assert entries == [(n.id, "1/QĐ-UBND", 710_000) for n in stored.nominations]

    published = act(api, "noivu", body["id"], "publish", result["version"])
    assert published.status_code == 200, published.json
    assert published.json["state"] == "published"


def test_the_list_filters_by_state_and_year(api, user):  # noqa: F811
    signed = awaiting_signature(user, awaiting_decision(names=("Nguyễn Văn An",)))
    assert act(api, "chutich", signed.id, "sign", signed.version).status_code == 200
    waiting = draft(api, awaiting_decision(names=("Trần Thị Bình",))).json

    everything = api.get("thuky", "/decisions")
    assert everything.status_code == 200
    assert [(d["id"], d["state"]) for d in everything.json["items"]] == [
        (waiting["id"], "draft"),
        (signed.id, "signed"),
    ]
    assert everything.json["meta"]["total"] == 2
    of_2025 = api.get("chutich", "/decisions?year=2025").json["items"]
    assert [(d["id"], d["number_text"]) for d in of_2025] == [(signed.id, "1/QĐ-UBND")]
    assert [d["id"] for d in api.get("noivu", "/decisions?state=draft").json["items"]] == [waiting["id"]]
    assert api.get("noivu", "/decisions?year=2024").json["items"] == []
    assert problem(api.get("noivu", "/decisions?state=sent"), 422)["errors"]["state"]


def test_the_chairman_sends_a_draft_back_only_with_a_reason(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision())
    refused = problem(act(api, "chutich", decision.id, "send_back", decision.version), 422)
    assert refused["failures"] == ["Vui lòng ghi rõ lý do."]
    back = act(api, "chutich", decision.id, "send_back", decision.version, comment="Ghi rõ thành tích")
    assert back.status_code == 200, back.json
    assert back.json["state"] == "draft"


def test_bad_drafts_and_edits_name_the_field_and_write_nothing(api, user):  # noqa: F811
    dossier = awaiting_decision()
    decision_id = draft(api, dossier).json["id"]
    other = awaiting_decision(names=("Lê Văn Cường",))
    db.session.execute(Nomination.__table__.update().where(Nomination.dossier_id == other.id).values(state="eligible"))
    db.session.commit()
    for username in ("noivu", "chutich"):
        api.headers(username)
    before = table_counts()

    missing = problem(api.post("noivu", "/decisions", json={"nomination_ids": [999999]}), 422)
    assert missing["errors"] == {"nomination_ids": ["Không có đề nghị mã 999999."]}
    empty = problem(api.post("noivu", "/decisions", json={"nomination_ids": []}), 422)
    assert list(empty["errors"]) == ["nomination_ids"]
    taken = problem(draft(api, dossier), 422)
    assert list(taken["errors"]) == ["nomination_ids"]
    assert "đã có trong dự thảo hoặc quyết định khác" in taken["errors"]["nomination_ids"][0]
    not_approved = problem(draft(api, other), 422)
    assert "Lê Văn Cường (LDTT năm 2024) chưa được Hội đồng thông qua" in not_approved["errors"]["nomination_ids"][0]

    version = db.session.get(Decision, decision_id).version
    for body, field in (
        ({"version": version, "summary": " "}, "summary"),
        ({"version": version, "content": {"recital": 5}}, "content.recital"),
        ({"version": version, "items": [{"nomination_id": other.nominations[0].id}]}, "items"),
        ({"version": version, "items": [{"achievement": "Không có đề nghị"}]}, "items.0.nomination_id"),
        ({"summary": "Về việc khen thưởng"}, "version"),
    ):
        answer = problem(api.put("noivu", f"/decisions/{decision_id}", json=body), 422)
        assert list(answer["errors"]) == [field], body

    assert table_counts() == before
    stored = db.session.get(Decision, decision_id)
    assert (stored.state, stored.version, [i.nomination_id for i in stored.items]) == (
        "draft", version, [dossier.nominations[0].id],
    )  # fmt: skip


def test_a_unit_officer_may_not_read_draft_or_sign(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision())
    dossier = awaiting_decision(names=("Trần Thị Bình",))
    assert problem(api.get("canbo.pleikan", "/decisions"), 403)
    assert problem(api.get("canbo.pleikan", f"/decisions/{decision.id}"), 403)
    assert problem(draft(api, dossier, username="canbo.pleikan"), 403)
    assert problem(act(api, "canbo.pleikan", decision.id, "sign", decision.version), 403)
    assert problem(act(api, "noivu", decision.id, "sign", decision.version), 403)
    assert db.session.get(Decision, decision.id).state == "awaiting_signature"


def test_a_stale_version_is_refused_with_409(api, user):  # noqa: F811
    dossier = awaiting_decision()
    created = draft(api, dossier).json
    renamed = api.put(
        "noivu", f"/decisions/{created['id']}", json={"version": created["version"], "summary": "Về việc khen"}
    )
    assert renamed.status_code == 200
    stale_edit = api.put(
        "noivu", f"/decisions/{created['id']}", json={"version": created["version"], "summary": "Về việc khác"}
    )
    assert "người khác thay đổi" in problem(stale_edit, 409)["detail"]
    stale_submit = act(api, "noivu", created["id"], "submit_for_signature", created["version"])
    assert problem(stale_submit, 409)
    stored = db.session.get(Decision, created["id"])
    assert (stored.summary, stored.state) == ("Về việc khen", "draft")


def test_a_trigger_not_allowed_now_answers_409_with_the_allowed_ones(api, user):  # noqa: F811
    created = draft(api, awaiting_decision()).json
    answer = problem(act(api, "noivu", created["id"], "publish", created["version"]), 409)
    assert answer["allowed_triggers"] == ["submit_for_signature"]


def test_a_signed_decision_downloads_as_pdf_docx_and_one_certificate_per_awardee(api, user, tmp_path):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision(names=NAMES))
    signed = act(api, "chutich", decision.id, "sign", decision.version).json
    base = f"/decisions/{decision.id}"
    assert [i["certificate_url"] for i in signed["items"]] == [
        f"/api/v1{base}/certificates/1.pdf",
        f"/api/v1{base}/certificates/2.pdf",
    ]

    pdf = api.get("thuky", base + "/decision.pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    text = pdf_text(pdf.data, tmp_path)
    assert "Số: 1/QĐ-UBND" in text and "ngày 16 tháng 6 năm 2025" in text
    assert all(name in text for name in NAMES)
    word = docx.Document(io.BytesIO(api.get("noivu", base + "/decision.docx").data))
    written = "\n".join(p.text for p in word.paragraphs) + "".join(
        c.text for t in word.tables for r in t.rows for c in r.cells
    )
    assert all(name in written for name in NAMES)
    letter = api.get("noivu", base + "/proposal-letter.pdf")
    assert letter.status_code == 200 and "TỜ TRÌNH" in pdf_text(letter.data, tmp_path)
    assert api.get("noivu", base + "/proposal-letter.docx").status_code == 200

    certificate = api.get("chutich", base + "/certificates/2.pdf")
    assert certificate.status_code == 200
    assert "Trần Thị Bình" in pdf_text(certificate.data, tmp_path)
    assert "1/QĐ-UBND" in pdf_text(certificate.data, tmp_path)
    # Bình is Article 1's second line, so the district's second golden-book number.
    assert "Số sổ vàng: 2" in pdf_text(certificate.data, tmp_path)
    assert problem(api.get("chutich", base + "/certificates/3.pdf"), 404)


def test_a_draft_has_its_documents_but_no_certificate(api, user, tmp_path):  # noqa: F811
    created = draft(api, awaiting_decision()).json
    assert [i["certificate_url"] for i in created["items"]] == [None]
    text = pdf_text(api.get("noivu", f"/decisions/{created['id']}/decision.pdf").data, tmp_path)
    assert "Nguyễn Văn An" in text and "1/QĐ-UBND" not in text
    refused = problem(api.get("noivu", f"/decisions/{created['id']}/certificates/1.pdf"), 422)
    assert refused["errors"] == {"decision": ["Quyết định chưa được ký, nên chưa in được giấy khen."]}
    assert problem(api.get("canbo.pleikan", f"/decisions/{created['id']}/decision.pdf"), 403)


def test_a_deputy_chairman_signs_for_the_chairman(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision())
    unknown = problem(act(api, "chutich", decision.id, "sign", decision.version, capacity="secretary"), 422)
    assert list(unknown["errors"]) == ["data.capacity"]
    signed = act(api, "chutich", decision.id, "sign", decision.version, capacity="deputy")
    assert signed.status_code == 200, signed.json
    assert (signed.json["number_text"], signed.json["signer_capacity"]) == ("1/QĐ-UBND", "deputy")


# --- the signed copy -------------------------------------------------------------------------------------------------


def attach(api, decision_id: int, content: bytes, name: str, username: str = "noivu", **fields):  # noqa: F811
    data = {"file": (io.BytesIO(content), name), **fields}
    return api.post(username, f"/decisions/{decision_id}/signed-copy", data=data, content_type="multipart/form-data")


def test_the_office_attaches_the_signed_copy_and_anyone_who_reads_decisions_downloads_it(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision(names=NAMES))
    version = act(api, "chutich", decision.id, "sign", decision.version).json["version"]
    base = f"/decisions/{decision.id}/signed-copy"
    assert problem(api.get("noivu", base), 404)

    content = PDF_BYTES + b"% scanned, signed and stamped\n"
    attached = attach(api, decision.id, content, "QĐ 1 đã ký.pdf", version=str(version))
    assert attached.status_code == 200, attached.json
    digest = hashlib.sha256(content).hexdigest()
    assert {key: attached.json[key] for key in ("decision_id", "filename", "media_type", "size", "sha256", "url")} == {
        "decision_id": decision.id,
        "filename": "QĐ 1 đã ký.pdf",
        "media_type": "application/pdf",
        "size": len(content),
        "sha256": digest,
        "url": f"/api/v1{base}",
    }
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.entity_id, entry.data["sha256"]) == ("signed_copy_attached", decision.id, digest)

    with api.get("thuky", base) as download:
        assert (download.status_code, download.mimetype, download.data) == (200, "application/pdf", content)
        assert download.headers["Content-Disposition"] == "attachment; filename=ban-chinh-1-2025.pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    assert attach(api, decision.id, png, "ban-chinh.png").status_code == 200
    with api.get("chutich", base) as again:
        assert (again.mimetype, again.data) == ("image/png", png)
        assert again.headers["Content-Disposition"] == "attachment; filename=ban-chinh-1-2025.png"


def test_a_wrong_file_an_unsigned_decision_or_a_stale_version_is_refused_and_writes_nothing(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision(names=NAMES))
    act(api, "chutich", decision.id, "sign", decision.version)
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    api.headers("noivu")  # the office's token, issued before the count
    before = table_counts()
    for content, name in (
        (buffer.getvalue(), "ban-chinh.docx"),
        (b"<html><script>alert(1)</script>", "ban-chinh.pdf"),
        (PDF_BYTES, "ban-chinh.png"),
        (b"", "ban-chinh.pdf"),
    ):
        assert list(problem(attach(api, decision.id, content, name), 422)["errors"]) == ["file"], name
    not_a_file = api.post(
        "noivu", f"/decisions/{decision.id}/signed-copy", data={"file": "không phải tệp"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert list(problem(not_a_file, 422)["errors"]) == ["file"]
    assert list(problem(attach(api, decision.id, PDF_BYTES, "a.pdf", version="x"), 422)["errors"]) == ["version"]
    assert problem(attach(api, decision.id, PDF_BYTES, "a.pdf", version="1"), 409)
    db.session.expire_all()
    assert table_counts() == before
    assert db.session.get(Decision, decision.id).signed_copy_sha256 is None

    unsigned = awaiting_signature(user, awaiting_decision(names=("Lê Văn Cường",)))
    before = table_counts()
    refused = problem(attach(api, unsigned.id, PDF_BYTES, "ban-chinh.pdf"), 422)
    assert refused["errors"] == {"decision": ["Chỉ đính kèm bản chính sau khi quyết định đã được ký."]}
    db.session.expire_all()
    assert table_counts() == before


def test_only_the_authoritys_office_attaches_and_only_readers_of_decisions_download(api, user):  # noqa: F811
    decision = awaiting_signature(user, awaiting_decision(names=NAMES))
    act(api, "chutich", decision.id, "sign", decision.version)
    # The chairman signs the paper but does not attach it, as on the page; a unit's officer sees no decision.
    assert problem(attach(api, decision.id, PDF_BYTES, "ban-chinh.pdf", username="chutich"), 403)
    assert problem(attach(api, decision.id, PDF_BYTES, "ban-chinh.pdf", username="canbo.pleikan"), 403)
    assert attach(api, decision.id, PDF_BYTES, "ban-chinh.pdf").status_code == 200
    assert problem(api.get("canbo.pleikan", f"/decisions/{decision.id}/signed-copy"), 403)


def test_the_openapi_document_describes_the_signed_copy(client):
    spec = client.get("/api/v1/openapi.json").json
    path = spec["paths"]["/api/v1/decisions/{decision_id}/signed-copy"]
    assert {"get", "post"} <= set(path)
    assert list(path["post"]["requestBody"]["content"]) == ["multipart/form-data"]
    assert {"401", "403", "404", "409", "413", "422"} <= set(path["post"]["responses"])
