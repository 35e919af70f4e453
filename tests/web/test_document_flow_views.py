"""The outgoing → incoming flow driven through the web views, as users click it."""

from __future__ import annotations

from django.urls import reverse

from tests import files
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document, Status
from vanthu.exchange.models import StatusCode


def _draft(client, world, **extra):
    data = {
        "doc_type": "CV",
        "subject": "Về việc đề nghị bổ sung kinh phí năm 2026",
        "department": world.kt_ubnd.pk,
        "signer": world.leader_ubnd.pk,
        "signing_capacity": "",
        "recipients": [world.stc.pk],
        "recipients_text": "Như trên; Lưu: VT, KT.",
        "urgency": "normal",
        "secrecy": "normal",
        "file": _upload("du-thao.pdf", files.pdf(["Dự thảo công văn"])),
        **extra,
    }
    return client.post(reverse("web:outgoing_new"), data)


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _act(client, doc, action, **data):
    return client.post(reverse("web:document_action", args=[doc.public_id, action]), data)


def test_outgoing_flow_through_views_reaches_recipient_clerk(client, world):
    client.force_login(world.specialist_ubnd)
    response = _draft(client, world)
    assert response.status_code == 302
    doc = Document.objects.get(direction="outgoing")
    assert doc.status == Status.DRAFT
    _act(client, doc, "submit")
    client.force_login(world.dept_leader_ubnd)
    _act(client, doc, "review_content", decision="approve")
    client.force_login(world.clerk_ubnd)
    _act(client, doc, "check_form", decision="approve")
    client.force_login(world.leader_ubnd)
    _act(client, doc, "approve_signature", decision="approve")
    client.force_login(world.clerk_ubnd)
    _act(client, doc, "issue")
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED
    assert doc.reference == "01/UBND-KT"
    incoming = Document.objects.get(direction="incoming", agency=world.stc)
    assert incoming.status == Status.ARRIVED
    delivery = doc.deliveries.get()
    assert delivery.status == StatusCode.ARRIVED

    client.force_login(world.clerk_stc)
    page = client.get(reverse("web:document_detail", args=[incoming.public_id]))
    assert "Tiếp nhận và vào sổ" in page.content.decode()
    _act(client, incoming, "accept")
    incoming.refresh_from_db()
    assert incoming.arrival_number == 1
    delivery.refresh_from_db()
    assert delivery.status == StatusCode.ACCEPTED

    page = client.get(reverse("web:document_detail", args=[incoming.public_id])).content.decode()
    assert "01/UBND-KT" in page

    client.force_login(world.clerk_ubnd)
    sender_page = client.get(reverse("web:document_detail", args=[doc.public_id])).content.decode()
    assert "Đã tiếp nhận" in sender_page and "Vũ Thị Thư Sở" in sender_page
    actions = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert actions == [
        "document.drafted",
        "document.submitted",
        "document.approved_step",
        "document.approved_step",
        "document.approved_step",
        "document.issued",
        "document.verification_stamped",
    ]


def test_outsider_gets_404_on_document(client, world):
    client.force_login(world.specialist_ubnd)
    _draft(client, world)
    doc = Document.objects.get()
    client.force_login(world.outsider)
    assert client.get(reverse("web:document_detail", args=[doc.public_id])).status_code == 404
    assert _act(client, doc, "submit").status_code == 404
    client.force_login(world.clerk_stc)
    assert client.get(reverse("web:document_detail", args=[doc.public_id])).status_code == 404
