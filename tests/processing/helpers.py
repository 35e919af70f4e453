"""Builders for the processing tests: incoming documents in the state a clerk leaves them."""

from __future__ import annotations

from datetime import datetime

from tests.documents.helpers import arrived_at_stc, register
from vanthu.documents import actions as doc_actions
from vanthu.documents.numbering import VIETNAM

# A Monday morning in Vietnam, inside office hours and before the 15:00 cut-off.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


_numbers = iter(range(100, 10_000))


def registered_at_ubnd(world, **fields):
    """UBND tỉnh's clerk registers a paper document from Sở Tài chính (a new number each
    time, so that several in one test are not taken for duplicates)."""
    fields.setdefault("number_text", str(next(_numbers)))
    return register(world, **fields)


def accepted_at_stc(world):
    """An UBND công văn issued electronically to Sở Tài chính and accepted by its clerk
    (status 03 already reported); returns (sender's document, the recipient's copy)."""
    incoming = arrived_at_stc(world)
    incoming = doc_actions.accept_arrival(world.clerk_stc, incoming)
    sender = incoming.source_delivery.document
    return sender, incoming


def delivery_statuses(sender_doc) -> list[str]:
    delivery = sender_doc.deliveries.get()
    return list(delivery.events.order_by("at", "id").values_list("status", flat=True))
