"""The demo's forwarded CSTĐ tỉnh: after `seed-demo` the office finds one case sent up to the province, waiting for
its answer, and the package kept for it verifies against its own manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from models import Dossier, Nomination, RegistryEntry, db
from workflow.decisions import forwarding


def test_the_seeded_demo_has_one_forwarded_cstd_tinh_whose_package_verifies(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    (nomination,) = db.session.scalars(select(Nomination).where(Nomination.state == "forwarded")).all()
    assert (nomination.title_code, nomination.year, nomination.nominee.full_name) == (
        "CSTD_TINH",
        2024,
        "Hồ Thị Kim Liên",
    )
    assert (nomination.dossier.state, nomination.dossier.unit.code) == ("forwarded", "TT-PLEIKAN")
    # E6: three consecutive CSTĐCS ending in the nominated year, entered from the district's past decisions.
    past = db.session.scalars(
        select(RegistryEntry.year).where(RegistryEntry.nominee_id == nomination.nominee_id).order_by(RegistryEntry.year)
    ).all()
    assert past == [2022, 2023, 2024]

    package = forwarding.sent_package(db.session, nomination, upload_dir=Path(app.config["UPLOAD_DIR"]))
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert [n["nominee"] for n in manifest["nominations"]] == ["Hồ Thị Kim Liên"]
    assert {f["path"] for f in manifest["files"]} == set(archive.namelist()) - {"manifest.json"}
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    assert any(name.endswith("bien-ban-hop.pdf") for name in archive.namelist())
    assert hashlib.sha256(package.content).hexdigest() == package.sha256

    dossiers = db.session.scalar(select(func.count()).select_from(Dossier))
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "không tạo thêm" in again.output
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == dossiers
