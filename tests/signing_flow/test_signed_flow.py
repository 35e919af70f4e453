"""The outgoing flow with credentials: the chairman's personal signature at approval, the
agency seal with số/ký hiệu and date at issuance, and the check on arrival at Sở Tài chính."""

from __future__ import annotations

from django.urls import reverse

from tests.documents.helpers import advance, make_draft
from tests.signing import tools
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Status
from vanthu.signing.models import SignatureCheck
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.verify import verify_pdf


def _sign_and_issue(world):
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.AWAITING_SIGNATURE)
    unsigned = current_main(doc)
    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    assert doc.status == Status.APPROVED
    personal = current_main(doc)
    assert personal.version == unsigned.version + 1 and personal.derived_from == unsigned
    doc = actions.issue_document(world.clerk_ubnd, doc)
    return doc, unsigned, personal


def test_it_signs_personally_then_as_agency(world, trusted, personal_credential, agency_credential):
    doc, _, personal = _sign_and_issue(world)
    issued = current_main(doc)
    assert issued.derived_from == personal and issued.mime_type == "application/pdf"
    content = read_bytes(issued.storage_name)

    report = verify_pdf(content, trust_roots=[trusted.root_pem.read_bytes()])
    assert report["verdict"] == "valid"
    assert report["has_personal"] and report["has_agency"]
    assert [(s["signer"], s["kind"]) for s in report["signatures"]] == [
        ("Trần Văn Chủ Tịch", "personal"),
        ("Ủy ban nhân dân tỉnh Nghệ An", "agency"),
    ]

    path = tools.ARTIFACTS / "flow-issued.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    signed = [s for s in tools.pdfsig(path) if s["signed"]]
    assert len(signed) == 2
    assert all(s["Signature Validation"] == "Signature is Valid." for s in signed)

    events = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert events[-4:] == [
        "document.approved_step",
        "document.signed_personal",
        "document.issued",
        "document.signed_agency",
    ]


def test_recipient_copy_is_the_signed_pdf_and_checked_valid(
    world, trusted, personal_credential, agency_credential, client
):
    doc, _, _ = _sign_and_issue(world)
    incoming = doc.deliveries.get().incoming_document
    copy = current_main(incoming)
    assert copy.sha256 == current_main(doc).sha256
    check = SignatureCheck.objects.get(file_version=copy)
    assert check.verdict == "valid"
    assert check.summary == "Hợp lệ: có chữ ký cá nhân và chữ ký cơ quan"

    client.force_login(world.clerk_stc)
    page = client.get(reverse("web:document_detail", args=[incoming.public_id])).content.decode()
    assert "Hợp lệ: có chữ ký cá nhân và chữ ký cơ quan" in page
    assert "Trần Văn Chủ Tịch" in page and "Cơ quan" in page
    actions.accept_arrival(world.clerk_stc, incoming)
    # Already checked on arrival: accepting does not check again.
    assert SignatureCheck.objects.filter(file_version=copy).count() == 1


def test_untrusted_root_is_reported_as_unknown_certificate(
    world, personal_credential, agency_credential
):
    doc, _, _ = _sign_and_issue(world)
    copy = current_main(doc.deliveries.get().incoming_document)
    check = SignatureCheck.objects.get(file_version=copy)
    assert check.verdict == "untrusted"
    assert check.summary.startswith("Không xác định được chứng thư")


def test_signer_page_offers_signing_with_password(world, trusted, personal_credential, client):
    doc = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    client.force_login(world.leader_ubnd)
    page = client.get(reverse("web:document_detail", args=[doc.public_id])).content.decode()
    assert "Ký số và ký duyệt" in page and 'name="signing_secret"' in page
    response = client.post(
        reverse("web:document_action", args=[doc.public_id, "approve_signature"]),
        {"decision": "approve", "signing_secret": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    page = client.get(reverse("web:document_detail", args=[doc.public_id])).content.decode()
    assert "Hợp lệ: có chữ ký cá nhân, chưa có chữ ký cơ quan" in page


def test_incoming_page_says_unsigned_without_credentials(world, client):
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.ISSUED)
    incoming = doc.deliveries.get().incoming_document
    client.force_login(world.clerk_stc)
    page = client.get(reverse("web:document_detail", args=[incoming.public_id])).content.decode()
    assert "Chưa ký số" in page


def test_accepting_an_unchecked_arrival_checks_it_first(world, trusted):
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.ISSUED)
    incoming = doc.deliveries.get().incoming_document
    copy = current_main(incoming)
    SignatureCheck.objects.filter(file_version=copy).delete()  # as if a transport had not
    actions.accept_arrival(world.clerk_stc, incoming)
    assert SignatureCheck.objects.get(file_version=copy).verdict == "unsigned"
