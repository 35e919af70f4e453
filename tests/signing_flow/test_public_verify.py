"""The public verification pages (/xac-thuc/), opened by an anonymous visitor: by code, by
uploaded PDF, as JSON; secret and unknown documents are simply not found."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests import files
from tests.documents.helpers import SUBJECT, advance, make_draft
from tests.signing import tools
from vanthu.documents import actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Document, Status
from vanthu.signing import qr
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.web import public_views

VALID_SUMMARY = "Hợp lệ: có chữ ký cá nhân và chữ ký cơ quan"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _issue_signed(world) -> tuple[Document, str]:
    """An issued document signed by the chairman and sealed by UBND tỉnh, with its code."""
    doc = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    doc = actions.issue_document(world.clerk_ubnd, doc)
    code = qr.new_verification_code()
    Document.objects.filter(pk=doc.pk).update(verification_code=code)
    doc.refresh_from_db()
    return doc, code


@pytest.fixture
def issued(world, trusted, personal_credential, agency_credential):
    return _issue_signed(world)


def _upload(client, content: bytes, name: str = "van-ban.pdf", **extra):
    return client.post(
        reverse("verify:check_file"),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), **extra},
    )


def _tampered(pdf: bytes) -> bytes:
    """The issued PDF with a line drawn on page 1 after signing: what a forger would do."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 RG 50 50 m 300 50 l S\n"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_index_explains_both_ways_to_anyone(client):
    page = client.get(reverse("verify:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cách 1: nhập mã xác thực" in html and "Cách 2: gửi tệp PDF đã nhận" in html
    assert 'name="ma"' in html and 'type="file"' in html and "csrfmiddlewaretoken" in html
    assert "Đăng xuất" not in html  # no logged-in chrome for anonymous visitors


def test_typed_code_goes_to_its_page_and_nonsense_is_explained(client):
    response = client.get(reverse("verify:index"), {"ma": " k7qm 3xpd "})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:document", args=["K7QM-3XPD"])
    page = client.get(reverse("verify:index"), {"ma": "abc"})
    assert page.status_code == 200
    assert "«abc» không phải mã xác thực" in page.content.decode()


def test_known_code_shows_the_public_report_without_the_subject(client, world, issued):
    doc, code = issued
    url = reverse("verify:document", args=[qr.display_code(code)])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    issued_pdf = current_main(doc)
    for expected in (
        doc.reference,
        doc.issuer_name,
        doc.issued_on.strftime("%d/%m/%Y"),
        doc.doc_type.name,
        "Trần Văn Chủ Tịch",
        issued_pdf.sha256,
        VALID_SUMMARY,
        "Cá nhân",
        "Cơ quan",
    ):
        assert expected in html, expected
    assert SUBJECT not in html
    tools.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tools.ARTIFACTS / "verify-document.html").write_text(html)

    # However it is typed, the code lands on the one printed address.
    response = client.get(reverse("verify:document", args=[code.lower()]))
    assert response.status_code == 302 and response["Location"] == url


def test_known_code_as_json_for_machines(client, issued):
    doc, code = issued
    for response in (
        client.get(reverse("verify:document_json", args=[qr.display_code(code)])),
        client.get(reverse("verify:document", args=[code]), {"format": "json"}),
    ):
        assert response.status_code == 200
        data = response.json()
        assert data["verdict"] == "valid"
        assert [(s["signer"], s["kind"]) for s in data["signatures"]] == [
            ("Trần Văn Chủ Tịch", "personal"),
            ("Ủy ban nhân dân tỉnh Nghệ An", "agency"),
        ]
        assert data["registered"]["reference"] == doc.reference
        assert data["registered"]["sha256"] == current_main(doc).sha256
        assert "subject" not in data["document"] and SUBJECT not in response.content.decode()


def test_unknown_code_is_a_vietnamese_404(client, db):
    page = client.get(reverse("verify:document", args=["ZZZZ-ZZZZ"]))
    assert page.status_code == 404
    assert "Không tìm thấy văn bản có mã xác thực" in page.content.decode()
    data = client.get(reverse("verify:document_json", args=["ZZZZ-ZZZZ"]))
    assert data.status_code == 404
    assert data.json()["error"]["code"] == "not_found"
    assert client.get(reverse("verify:document", args=["not-a-code"])).status_code == 404


def test_upload_of_the_issued_pdf_is_registered_and_valid(client, issued):
    doc, _ = issued
    content = read_bytes(current_main(doc).storage_name)
    page = _upload(client, content)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f"Văn bản đã được đăng ký phát hành: số {doc.reference}, cơ quan {doc.issuer_name}, "
        f"ngày {doc.issued_on:%d/%m/%Y}, SHA-256 khớp"
    ) in html
    assert VALID_SUMMARY in html and "Trần Văn Chủ Tịch" in html
    (tools.ARTIFACTS / "verify-upload-result.html").write_text(html)

    data = _upload(client, content, format="json").json()
    assert data["verdict"] == "valid"
    assert data["registered"]["sha256_match"] is True
    assert data["registered"]["reference"] == doc.reference
    assert len(data["signatures"]) == 2


def test_upload_of_a_modified_or_earlier_pdf_is_not_registered(client, issued):
    doc, _ = issued
    issued_pdf = read_bytes(current_main(doc).storage_name)
    page = _upload(client, _tampered(issued_pdf))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Không tìm thấy văn bản này trong hệ thống" in html
    assert "Không hợp lệ" in html and "ngoài phạm vi cho phép" in html

    # The personally signed PDF before the seal is a real signature but not the issued file.
    earlier = doc.files.get(kind="main", version=current_main(doc).version - 1)
    data = _upload(client, read_bytes(earlier.storage_name), format="json").json()
    assert data["registered"] is None


def test_non_pdf_upload_is_refused_in_vietnamese(client, db):
    page = _upload(client, b"MZ\x90\x00 this is a program", name="van-ban.pdf")
    assert page.status_code == 400
    assert "không phải tệp PDF" in page.content.decode()
    broken = _upload(client, b"%PDF-1.7\n garbage without objects", format="json")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_file"
    whole = files.pdf(["Văn bản thử"])
    for damaged in (whole[: len(whole) // 2], whole.replace(b"/Root", b"/Rooo")):
        response = _upload(client, damaged)
        assert response.status_code in (200, 400), response.status_code
    missing = client.post(reverse("verify:check_file"), {})
    assert missing.status_code == 400 and "Hãy chọn tệp PDF" in missing.content.decode()


def test_upload_form_keeps_csrf_protection(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("verify:check_file"),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7", content_type="application/pdf")},
    )
    assert response.status_code == 403


def test_uploads_are_rate_limited_per_address(client, db):
    for _ in range(public_views.UPLOADS_PER_WINDOW):
        assert _upload(client, b"not a pdf").status_code == 400
    refused = _upload(client, b"not a pdf")
    assert refused.status_code == 429
    assert "quá nhiều tệp" in refused.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _upload(other, b"not a pdf").status_code == 400


def test_secret_documents_are_never_shown(client, world, trusted):
    doc = advance(world, make_draft(world, secrecy="secret"), Status.ISSUED)
    code = qr.new_verification_code()
    Document.objects.filter(pk=doc.pk).update(verification_code=code)
    page = client.get(reverse("verify:document", args=[qr.display_code(code)]))
    assert page.status_code == 404
    assert doc.reference not in page.content.decode()
    assert client.get(reverse("verify:document_json", args=[code])).status_code == 404
    data = _upload(client, read_bytes(current_main(doc).storage_name), format="json").json()
    assert data["registered"] is None


def test_not_yet_issued_documents_are_not_found(client, world):
    doc = advance(world, make_draft(world), Status.APPROVED)
    code = qr.new_verification_code()
    Document.objects.filter(pk=doc.pk).update(verification_code=code)
    assert client.get(reverse("verify:document", args=[code])).status_code == 404
