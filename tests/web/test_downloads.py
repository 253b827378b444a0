"""Uploads whose name lies about their content are refused; downloads go out under a name and type we made."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Document, db
from tests.conftest import PDF_BYTES, csrf_token_from
from workflow.accounts.tokens import issue_token

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def upload(client, dossier, content: bytes, filename: str, kind: str = "khac"):
    token = csrf_token_from(client.get(f"/dossiers/{dossier.id}").get_data(as_text=True))
    return client.post(
        f"/dossiers/{dossier.id}/documents",
        data={"csrf_token": token, "kind": kind, "nomination_id": "", "file": (io.BytesIO(content), filename)},
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("invoice.html", PDF_BYTES, "Nội dung tệp là PDF nên tên tệp phải có đuôi .pdf."),
        ("setup.exe", JPEG_BYTES, "Nội dung tệp là JPG nên tên tệp phải có đuôi .jpg hoặc .jpeg."),
        ("bao-cao.xlsx", docx_bytes(), "Nội dung tệp là DOCX nên tên tệp phải có đuôi .docx."),
        ("invoice\u202efdp.exe", PDF_BYTES, "ký tự ẩn"),
        # The extension is right; only the hidden character is wrong.
        ("bao-cao\u202egpj.pdf", PDF_BYTES, "ký tự ẩn"),
        ("bao\u200bcao.pdf", PDF_BYTES, "ký tự ẩn"),
    ],
    ids=["pdf-named-html", "jpeg-named-exe", "docx-named-xlsx", "rlo-exe", "rlo-pdf", "zero-width"],
)
def test_a_name_that_hides_or_contradicts_the_content_is_refused_and_nothing_stays(
    app, make_dossier, client, auth, filename, content, message
):
    dossier = make_dossier()
    files, documents = stored_files(app), document_count()
    auth.login("canbo.pleikan")
    response = upload(client, dossier, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_files(app) == files
    assert document_count() == documents


def test_the_api_refuses_the_same_way(app, make_dossier, client, user):
    dossier = make_dossier()
    files, documents = stored_files(app), document_count()
    token = issue_token(db.session, user("canbo.pleikan")).token
    db.session.commit()
    response = client.post(
        f"/api/v1/dossiers/{dossier.id}/documents",
        headers={"Authorization": f"Bearer {token}"},
        data={"kind": "khac", "file": (io.BytesIO(PDF_BYTES), "invoice.html")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"file": ["Nội dung tệp là PDF nên tên tệp phải có đuôi .pdf."]}
    assert stored_files(app) == files
    assert document_count() == documents


@pytest.mark.parametrize(
    ("filename", "content", "kind", "media_type", "extension", "revision", "disposition"),
    [
        ("Tờ trình có chữ ký.PDF", PDF_BYTES + b"% signed\n", "to_trinh", "application/pdf", ".pdf", 2, "inline"),
        ("Ảnh minh chứng.JPEG", JPEG_BYTES, "khac", "image/jpeg", ".jpg", 1, "inline"),
        ("Bảng tổng hợp.docx", docx_bytes(), "khac", DOCX, ".docx", 1, "attachment"),
    ],
)
def test_an_accepted_upload_downloads_under_a_generated_name_and_its_type(
    app, make_dossier, client, auth, filename, content, kind, media_type, extension, revision, disposition
):
    """PDFs and images open in the browser's viewer (inline); Word and Excel files download."""
    dossier = make_dossier()
    auth.login("canbo.pleikan")
    assert upload(client, dossier, content, filename, kind=kind).status_code == 302
    document = db.session.scalar(select(Document).where(Document.dossier_id == dossier.id).order_by(Document.id.desc()))
    assert (document.original_name, document.media_type, document.revision) == (filename, media_type, revision)

    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.get_data() == content
    assert response.mimetype == media_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    expected = f"{dossier.code}-{kind}-r{revision}-{document.id}{extension}"
    assert re.fullmatch(r"HS-\d{4}-\d{5}-[a-z0-9_]+-r\d+-\d+\.[a-z]+", expected)
    assert response.headers["Content-Disposition"] == f"{disposition}; filename={expected}"
    response.close()


def test_the_user_name_is_still_what_the_dossier_page_shows(make_dossier, client, auth):
    dossier = make_dossier()
    auth.login("canbo.pleikan")
    upload(client, dossier, PDF_BYTES, "Báo cáo <tổng kết>.pdf")
    html = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Báo cáo &lt;tổng kết&gt;.pdf" in html
