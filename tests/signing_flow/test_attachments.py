"""Attachments issued as separate files (phụ lục, tài liệu kèm theo): added to the draft as
PDFs, signed by the agency at issuance with số/ký hiệu and the time top right (Appendix I),
and delivered to the recipients in their signed form only."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import files
from tests.documents.helpers import advance, make_draft
from tests.signing import tools
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import current_attachments, issued_files, read_bytes
from vanthu.documents.models import FileVersion, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.verify import verify_pdf


def _text_of(pdf: bytes, name: str) -> str:
    tool = tools.require_tool("pdftotext")
    tools.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = tools.ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, "-layout", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_the_agency_signs_each_attachment_and_recipients_get_the_signed_files(
    world, trusted, personal_credential, agency_credential
):
    draft = make_draft(world, recipients=[world.stc])
    added = actions.add_attachment(
        world.specialist_ubnd, draft, "phu-luc-1.pdf", files.pdf(["Phụ lục I. Dự toán chi tiết"])
    )
    assert added.kind == FileVersion.Kind.ATTACHMENT
    doc = advance(world, draft, Status.AWAITING_SIGNATURE)
    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    doc = actions.issue_document(world.clerk_ubnd, doc)

    [signed] = current_attachments(doc)
    assert signed.derived_from == added and signed.sha256 != added.sha256
    content = read_bytes(signed.storage_name)
    report = verify_pdf(content, trust_roots=[trusted.root_pem.read_bytes()])
    assert report["verdict"] == "valid" and report["has_agency"], report
    path = tools.ARTIFACTS / "attachment-signed.pdf"
    path.write_bytes(content)
    [sig] = tools.pdfsig(path)
    assert sig["total"] and "Signature is Valid" in str(sig.get("Signature Validation"))
    top = _text_of(content, "attachment-signed-text").splitlines()[:6]
    assert any("01/UBND-KT" in line for line in top), top
    assert any(re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", line) for line in top), top

    incoming = doc.deliveries.get().incoming_document
    received = {f.kind: f.sha256 for f in incoming.files.all()}
    assert received["attachment"] == signed.sha256  # never the unsigned draft file
    assert [f.sha256 for f in issued_files(doc)][1:] == [signed.sha256]
    actions_recorded = AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list(
        "action", flat=True
    )
    assert {"document.attachment_added", "document.attachment_signed"} <= set(actions_recorded)


def test_without_an_agency_key_attachments_travel_unsigned(world):
    draft = make_draft(world, recipients=[world.stc])
    added = actions.add_attachment(world.specialist_ubnd, draft, "phu-luc.pdf", files.pdf())
    doc = advance(world, draft, Status.ISSUED)
    assert current_attachments(doc) == [added]
    incoming = doc.deliveries.get().incoming_document
    assert incoming.files.get(kind="attachment").sha256 == added.sha256


def test_attachments_are_pdfs_added_and_removed_only_by_the_drafter_on_a_draft(world):
    draft = make_draft(world)
    with pytest.raises(ValidationFailed) as refused:
        actions.add_attachment(world.specialist_ubnd, draft, "bang-tinh.docx", files.docx())
    assert "attachment" in refused.value.errors
    with pytest.raises(PermissionDenied):
        actions.add_attachment(world.clerk_ubnd, draft, "phu-luc.pdf", files.pdf())
    added = actions.add_attachment(world.specialist_ubnd, draft, "phu-luc.pdf", files.pdf())
    with pytest.raises(PermissionDenied):
        actions.remove_attachment(world.clerk_ubnd, draft, added.public_id)
    actions.remove_attachment(world.specialist_ubnd, draft, added.public_id)
    assert not draft.files.filter(kind="attachment").exists()

    actions.add_attachment(world.specialist_ubnd, draft, "phu-luc.pdf", files.pdf())
    actions.submit_draft(world.specialist_ubnd, draft)
    with pytest.raises(InvalidTransition):
        actions.add_attachment(world.specialist_ubnd, draft, "muon.pdf", files.pdf())
    assert draft.files.filter(kind="attachment").count() == 1


def test_the_draft_page_adds_and_removes_an_attachment(world, client):
    draft = make_draft(world)
    client.force_login(world.specialist_ubnd)
    url = reverse("web:document_action", args=[draft.public_id, "add_attachment"])
    upload = SimpleUploadedFile("phu-luc.pdf", files.pdf(["Phụ lục"]), "application/pdf")
    client.post(url, {"attachment": upload})
    added = draft.files.get(kind="attachment")
    page = client.get(reverse("web:document_detail", args=[draft.public_id])).content.decode()
    assert "Thêm tệp kèm theo" in page and added.original_name in page

    bad = client.post(url, {}, follow=True).content.decode()
    assert "Hãy chọn tệp PDF phụ lục" in bad
    client.post(
        reverse("web:document_action", args=[draft.public_id, "remove_attachment"]),
        {"file_id": str(added.public_id)},
    )
    assert not draft.files.filter(kind="attachment").exists()
