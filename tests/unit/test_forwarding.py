"""Forwarding upward (docs/DOMAIN.md §3, E13): a CSTĐ tỉnh is the province's to decide (Law 06/2022/QH15 Art. 80),
so the district sends it up as a package and later records the province's answer. Money for a CSTĐ tỉnh is
3.0 × the base salary (Decree 98/2023 Art. 54): 3.0 × 2,340,000 = 7,020,000 VND from 1 July 2024."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Nomination, RegistryEntry, db
from tests.decision_helpers import awaiting_decision, district
from tests.forwarding_helpers import forwardable, upload_dir
from tests.workflow_helpers import table_counts
from workflow.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflow.decisions import forwarding


def _pdftotext(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_the_package_manifest_checksums_verify_and_it_holds_minutes_letter_and_documents(demo, user):
    dossier = forwardable()
    package = forwarding.preview_package(
        db.session, district(), dossier.nominations, actor=user("noivu"), upload_dir=upload_dir()
    )
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["path"] for f in manifest["files"]}
    assert listed == set(archive.namelist()) - {"manifest.json"}
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["size"]
    assert hashlib.sha256(package.content).hexdigest() == package.sha256
    # The nomination is for 2024, judged under the rule set in force from 1 January 2024.
    assert [r["code"] for r in manifest["rule_sets"]] == ["2024-2025"]
    assert all(r["revision"] >= 1 for r in manifest["rule_sets"])
    minutes = next(name for name in listed if name.endswith("bien-ban-hop.pdf"))
    assert "Lò Thị Hoa" in _pdftotext(archive.read(minutes))
    assert any(name.endswith("bien-ban-kiem-phieu.pdf") for name in listed)
    assert any(name.endswith("achievement_report.pdf") and "lo-thi-hoa" in name for name in listed)
    letter = _pdftotext(archive.read("to-trinh.pdf"))
    assert "Kính gửi: Chủ tịch UBND tỉnh Kon Tum" in letter
    assert "Lò Thị Hoa" in letter and "Chiến sĩ thi đua cấp tỉnh" in letter


def test_forwarding_moves_nomination_and_dossier_and_audits_the_package(demo, user):
    dossier = forwardable()
    package = forwarding.forward_to_province(
        db.session, dossier.nominations, actor=user("noivu"), upload_dir=upload_dir()
    )
    db.session.commit()
    assert dossier.state == "forwarded" and dossier.nominations[0].state == "forwarded"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "forward")).all()
    assert {e.entity_type for e in entries} == {"nomination", "dossier"}
    assert all(e.data["package_sha256"] == package.sha256 for e in entries)
    kept = forwarding.sent_package(db.session, dossier.nominations[0], upload_dir=upload_dir())
    assert kept.content == package.content
    assert forwarding.awaiting_forwarding(db.session, district()) == []
    assert forwarding.forwarded(db.session, district()) == dossier.nominations


def test_a_unit_officer_cannot_forward_and_nothing_is_written(demo, user):
    dossier = forwardable()
    before = table_counts()
    with pytest.raises(PermissionDenied):
        forwarding.forward_to_province(
            db.session, dossier.nominations, actor=user("canbo.pleikan"), upload_dir=upload_dir()
        )
    db.session.rollback()
    assert table_counts() == before and dossier.state == "awaiting_decision"


def test_a_title_the_district_decides_is_not_forwarded(demo, user):
    dossier = awaiting_decision(names=("Nguyễn Văn An",), title="LDTT")
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        forwarding.forward_to_province(db.session, dossier.nominations, actor=user("noivu"), upload_dir=upload_dir())
    db.session.rollback()
    assert "không trình cấp trên" in str(refused.value.errors["nominations"])
    assert table_counts() == before


def _forwarded(user, names=("Lò Thị Hoa",)):
    dossier = forwardable(names)
    forwarding.forward_to_province(db.session, dossier.nominations, actor=user("noivu"), upload_dir=upload_dir())
    db.session.commit()
    return dossier


def test_an_award_by_the_province_lands_in_the_registry_and_the_dossier_closes(demo, user):
    dossier = _forwarded(user)
    nomination = dossier.nominations[0]
    forwarding.record_province_answer(
        db.session, nomination, actor=user("noivu"), outcome="awarded", decision_number="1234/QĐ-UBND",
        decision_date=date(2025, 6, 12), deciding_authority="Ủy ban nhân dân tỉnh Kon Tum",
    )  # fmt: skip
    db.session.commit()
    entry = db.session.scalar(select(RegistryEntry).where(RegistryEntry.nomination_id == nomination.id))
    assert (entry.title_code, entry.year, entry.decision_number, entry.decision_date) == (
        "CSTD_TINH", 2024, "1234/QĐ-UBND", date(2025, 6, 12)
    )  # fmt: skip
    assert entry.deciding_authority == "Ủy ban nhân dân tỉnh Kon Tum" and entry.money_vnd == 7_020_000
    assert nomination.state == "awarded_by_higher"
    assert dossier.state == "closed" and dossier.closed_at is not None


def test_the_dossier_waits_until_every_forwarded_nominee_has_an_answer(demo, user):
    dossier = _forwarded(user, names=("Lò Thị Hoa", "Y Hương"))
    first, second = dossier.nominations
    forwarding.record_province_answer(
        db.session, first, actor=user("noivu"), outcome="declined", decision_number="56/UBND-TĐKT",
        decision_date=date(2025, 6, 12), deciding_authority="UBND tỉnh Kon Tum", reason="criteria_not_met",
    )  # fmt: skip
    db.session.commit()
    assert first.state == "declined_by_higher" and first.outcome_reason == "criteria_not_met"
    assert dossier.state == "forwarded"
    assert db.session.scalar(select(RegistryEntry).where(RegistryEntry.nomination_id == first.id)) is None
    forwarding.record_province_answer(
        db.session, second, actor=user("noivu"), outcome="awarded", decision_number="1234/QĐ-UBND",
        decision_date=date(2025, 6, 12), deciding_authority="UBND tỉnh Kon Tum",
    )  # fmt: skip
    db.session.commit()
    assert dossier.state == "closed"


def test_a_decline_needs_a_reason_and_a_refused_answer_writes_nothing(demo, user):
    dossier = _forwarded(user)
    nomination = dossier.nominations[0]
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        forwarding.record_province_answer(
            db.session, nomination, actor=user("noivu"), outcome="declined", decision_number="56/UBND-TĐKT",
            decision_date=date(2025, 6, 12), deciding_authority="UBND tỉnh Kon Tum",
        )  # fmt: skip
    db.session.rollback()
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(InvalidInput) as refused:
        forwarding.record_province_answer(
            db.session, nomination, actor=user("noivu"), outcome="awarded", decision_number="",
            decision_date=None, deciding_authority="",
        )  # fmt: skip
    db.session.rollback()
    assert set(refused.value.errors) == {"decision_number", "decision_date", "deciding_authority"}
    with pytest.raises(PermissionDenied):
        forwarding.record_province_answer(
            db.session, nomination, actor=user("canbo.pleikan"), outcome="awarded", decision_number="1/QĐ-UBND",
            decision_date=date(2025, 6, 12), deciding_authority="UBND tỉnh Kon Tum",
        )  # fmt: skip
    db.session.rollback()
    assert table_counts() == before
    assert db.session.get(Nomination, nomination.id).state == "forwarded"


def test_an_answer_for_a_nomination_not_forwarded_is_refused(demo, user):
    dossier = forwardable()
    with pytest.raises(TransitionNotAllowed):
        forwarding.record_province_answer(
            db.session, dossier.nominations[0], actor=user("noivu"), outcome="awarded",
            decision_number="1234/QĐ-UBND", decision_date=date(2025, 6, 12), deciding_authority="UBND tỉnh Kon Tum",
        )  # fmt: skip
    db.session.rollback()
    assert db.session.scalar(select(RegistryEntry)) is None
