"""The forwarding API: the office lists the CSTĐ tỉnh the council approved, checks the package and the letter, sends
them up and records the province's answer; everyone else is refused, and bad or stale answers write nothing.

A CSTĐ tỉnh is the province's to decide (Law 06/2022/QH15 Art. 80), so the district sends it upward. Its money is
3.0 × the base salary (Decree 98/2023 Art. 54): 3.0 × 2,340,000 = 7,020,000 VND on 12 June 2025."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from models import Dossier, Nomination, RegistryEntry, db
from tests.decision_helpers import awaiting_decision
from tests.forwarding_helpers import forwardable
from tests.web.test_api import api, problem  # noqa: F401  (the fixture)
from tests.workflow_helpers import table_counts

ANSWER = {
    "outcome": "awarded",
    "decision_number": "1234/QĐ-UBND",
    "decision_date": "2025-06-12",
    "deciding_authority": "Ủy ban nhân dân tỉnh Kon Tum",
}


def _sent(api, dossier):  # noqa: F811
    response = api.post("noivu", "/forwarding", json={"nomination_ids": [n.id for n in dossier.nominations]})
    assert response.status_code == 201, response.json
    return response


def test_the_office_sees_the_case_checks_the_package_and_sends_it_up(api):  # noqa: F811
    dossier = forwardable()
    nomination = dossier.nominations[0]
    awaiting = api.get("noivu", "/forwarding/awaiting")
    assert awaiting.status_code == 200
    assert [(c["id"], c["nominee"], c["title_name"], c["year"], c["dossier_code"]) for c in awaiting.json] == [
        (nomination.id, "Lò Thị Hoa", "Chiến sĩ thi đua cấp tỉnh", 2024, dossier.code)
    ]
    assert awaiting.json[0]["why"].endswith("trình cấp trên.")
    assert api.get("noivu", "/forwarding/forwarded").json == []

    before = table_counts()
    preview = api.get("noivu", f"/forwarding/package.zip?nomination_ids={nomination.id}")
    assert preview.status_code == 200 and preview.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(preview.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert [n["nominee"] for n in manifest["nominations"]] == ["Lò Thị Hoa"]
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    letter = api.get("noivu", f"/forwarding/letter.pdf?nomination_ids={nomination.id}")
    assert letter.status_code == 200 and letter.content_type == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=letter.data, capture_output=True, check=True).stdout
    assert "Kính gửi: Chủ tịch UBND tỉnh Kon Tum" in text.decode() and "Lò Thị Hoa" in text.decode()
    assert table_counts() == before  # previews write nothing

    sent = _sent(api, dossier)
    assert sent.json["nominations"][0]["state"] == "forwarded"
    assert sent.headers["Location"].endswith(f"/api/v1/forwarding/nominations/{nomination.id}/package.zip")
    kept = api.get("noivu", f"/forwarding/nominations/{nomination.id}/package.zip")
    assert kept.status_code == 200
    assert hashlib.sha256(kept.data).hexdigest() == sent.json["package_sha256"]
    assert api.get("noivu", "/forwarding/awaiting").json == []
    assert [c["nominee"] for c in api.get("noivu", "/forwarding/forwarded").json] == ["Lò Thị Hoa"]
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "forwarded"


def test_the_province_award_lands_in_the_registry_and_closes_the_dossier(api):  # noqa: F811
    dossier = forwardable()
    nomination_id = _sent(api, dossier).json["nominations"][0]["id"]
    version = api.get("noivu", "/forwarding/forwarded").json[0]["version"]
    answered = api.post("noivu", f"/forwarding/nominations/{nomination_id}/answer", json={**ANSWER, "version": version})
    assert answered.status_code == 200, answered.json
    assert answered.json["state"] == "awarded_by_higher"
    entry = db.session.scalar(select(RegistryEntry).where(RegistryEntry.nomination_id == nomination_id))
    assert (entry.decision_number, entry.deciding_authority, entry.money_vnd) == (
        "1234/QĐ-UBND", "Ủy ban nhân dân tỉnh Kon Tum", 7_020_000
    )  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state == "closed"
    assert api.get("noivu", "/forwarding/forwarded").json == []


def test_a_decline_without_a_reason_or_a_blank_answer_is_a_422_naming_the_fields(api):  # noqa: F811
    dossier = forwardable()
    nomination_id = _sent(api, dossier).json["nominations"][0]["id"]
    version = api.get("noivu", "/forwarding/forwarded").json[0]["version"]
    path = f"/forwarding/nominations/{nomination_id}/answer"
    before = table_counts()
    blank = problem(api.post("noivu", path, json={"outcome": "declined"}), 422)
    assert {"decision_number", "decision_date", "deciding_authority", "version"} <= set(blank["errors"])
    no_reason = problem(api.post("noivu", path, json={**ANSWER, "outcome": "declined", "version": version}), 422)
    assert no_reason["errors"]["reason"][0].startswith("Cần chọn lý do cấp trên không khen thưởng")
    future = problem(api.post("noivu", path, json={**ANSWER, "decision_date": "2999-01-01", "version": version}), 422)
    assert future["errors"]["decision_date"] == ["Ngày của văn bản không được sau ngày hôm nay."]
    assert table_counts() == before


def test_a_stale_answer_or_one_for_a_case_not_sent_up_is_a_409(api):  # noqa: F811
    dossier = forwardable()
    nomination_id = _sent(api, dossier).json["nominations"][0]["id"]
    version = api.get("noivu", "/forwarding/forwarded").json[0]["version"]
    before = table_counts()
    stale = api.post(
        "noivu", f"/forwarding/nominations/{nomination_id}/answer", json={**ANSWER, "version": version - 1}
    )
    problem(stale, 409)
    assert table_counts() == before
    waiting = forwardable(names=("Y Hương",)).nominations[0]
    problem(api.post("noivu", f"/forwarding/nominations/{waiting.id}/answer", json={**ANSWER, "version": 1}), 409)


def test_what_cannot_go_up_is_a_422_naming_nomination_ids_and_nothing_is_sent(api):  # noqa: F811
    own_decision = awaiting_decision(names=("Nguyễn Văn An",), title="LDTT").nominations[0]
    api.headers("noivu")  # the token first: it is a row too
    before = table_counts()
    refused = problem(api.post("noivu", "/forwarding", json={"nomination_ids": [own_decision.id]}), 422)
    assert "không trình cấp trên" in refused["errors"]["nomination_ids"][0]
    unknown = problem(api.post("noivu", "/forwarding", json={"nomination_ids": [999999]}), 422)
    assert unknown["errors"]["nomination_ids"] == [
        "Không có đề nghị nào mang mã 999999 trong các hồ sơ của cơ quan này."
    ]
    empty = problem(api.post("noivu", "/forwarding", json={"nomination_ids": []}), 422)
    assert empty["errors"]["nomination_ids"] == ["Cần chọn ít nhất một trường hợp trình cấp trên."]
    assert "nomination_ids" in problem(api.get("noivu", "/forwarding/package.zip"), 422)["errors"]
    assert table_counts() == before
    assert db.session.get(Nomination, own_decision.id).state == "approved"


@pytest.mark.parametrize("username", ["canbo.pleikan", "thuky", "chutich"])
def test_only_the_office_forwards(api, username):  # noqa: F811
    dossier = forwardable()
    ids = [n.id for n in dossier.nominations]
    api.headers(username)  # the token first: it is a row too
    before = table_counts()
    problem(api.get(username, "/forwarding/awaiting"), 403)
    problem(api.post(username, "/forwarding", json={"nomination_ids": ids}), 403)
    problem(api.post(username, f"/forwarding/nominations/{ids[0]}/answer", json={**ANSWER, "version": 1}), 403)
    assert table_counts() == before


def test_the_sent_package_of_a_case_never_sent_is_a_404(api):  # noqa: F811
    nomination = forwardable().nominations[0]
    problem(api.get("noivu", f"/forwarding/nominations/{nomination.id}/package.zip"), 404)
