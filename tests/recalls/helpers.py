"""Builders for the recall tests: UBND tỉnh issues công văn electronically to Sở Tài chính
and UBND xã (two agencies of the same deployment, the local transport), through the
actions only, so every document is in the state users would have left it in."""

from __future__ import annotations

from tests.documents.helpers import make_issued
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document
from vanthu.exchange.models import Delivery
from vanthu.recalls.actions import receive_request


def issue_to(world, *recipients, **fields) -> tuple[Document, dict[str, Document]]:
    """UBND tỉnh's issued document and each recipient's incoming copy, by agency code."""
    recipients = recipients or (world.stc,)
    doc = make_issued(world, recipients=list(recipients), **fields)
    copies = {d.recipient.code: d.incoming_document for d in doc.deliveries.all()}
    return doc, copies


def delivery_to(doc: Document, agency) -> Delivery:
    return doc.deliveries.get(recipient=agency)


def timeline(doc: Document, agency) -> list[str]:
    delivery = delivery_to(doc, agency)
    return list(delivery.events.order_by("at", "id").values_list("status", flat=True))


def events_of(doc: Document) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(doc.public_id))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def fresh(doc: Document) -> Document:
    return Document.objects.get(pk=doc.pk)


# --- tests/test_meta.py: the objects its permission matrix opens ----------------------------


def meta_issued_kwargs(ctx) -> dict:
    doc, _ = issue_to(ctx["world"], ctx["world"].stc)
    return {"public_id": doc.public_id}


def meta_received_kwargs(ctx) -> dict:
    received = receive_request(ctx["doc"], "recall", "Thu hồi văn bản điện tử")
    return {"public_id": received.public_id}
