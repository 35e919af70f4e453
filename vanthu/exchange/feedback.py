"""Status feedback (edXML 01–06, 13, 15, 16) in both directions, whatever the transport.

- `report_back`: the receiving side tells the sender what happened to an incoming document,
  through the transport that brought it.
- `record_status`: the sending side writes what a recipient reported on the recipient's
  timeline (the document page shows it per recipient, with times and staff).

Both run inside the caller's transaction: the status is recorded, or queued in the outbox,
exactly when the action that caused it commits.
"""

from __future__ import annotations

from django.utils import timezone

from vanthu.exchange import outbox, packages
from vanthu.exchange.models import (
    Delivery,
    DeliveryEvent,
    HubArrival,
    OutboundPackage,
    PackageKind,
    StatusCode,
)

ANSWERS = (StatusCode.RECALL_AGREED, StatusCode.RECALL_REFUSED)


def record_status(
    delivery: Delivery,
    status: str,
    *,
    actor=None,
    actor_name: str = "",
    note: str = "",
    at=None,
) -> DeliveryEvent:
    """Append `status` to the delivery's timeline and make it the delivery's status.

    `at` is when the recipient acted (a status message's Timestamp); the same status at the
    same time on the same delivery is the same report arriving twice, and is not recorded
    again. Statuses may arrive out of order over the hub: the delivery shows the latest by
    time, the timeline sorts by time."""
    if at is not None:
        existing = DeliveryEvent.objects.filter(delivery=delivery, status=status, at=at).first()
        if existing is not None:
            return existing
    name = actor_name or (actor.full_name if actor is not None else "")
    event = DeliveryEvent.objects.create(
        delivery=delivery,
        status=status,
        at=at or timezone.now(),
        actor=actor,
        actor_name=name[:100],
        note=note,
    )
    latest = (
        DeliveryEvent.objects.filter(delivery=delivery)
        .order_by("-at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    Delivery.objects.filter(pk=delivery.pk).update(status=latest, updated_at=timezone.now())
    delivery.status = latest
    if status in ANSWERS:
        # The recall/update/replace request this answers lives in the recalls app.
        from vanthu.recalls.actions import request_answered

        request_answered(
            delivery,
            agree=status == StatusCode.RECALL_AGREED,
            actor_name=event.actor_name,
            note=note,
        )
    return event


def report_back(doc, status: str, *, actor=None, note: str = "", once: bool = False) -> None:
    """Tell the sender of the incoming `doc` about `status`, through the transport that
    brought it: the local timeline directly, or a status message in the hub outbox. Paper
    arrivals report nothing. `once`: skip when this status was already reported (05 is
    reported at the first progress note, not at every one)."""
    delivery = getattr(doc, "source_delivery", None)
    if delivery is not None:
        if once and DeliveryEvent.objects.filter(delivery=delivery, status=status).exists():
            return
        record_status(delivery, status, actor=actor, note=note)
        return
    arrival = HubArrival.objects.filter(incoming_document=doc).select_related("agency").first()
    if arrival is None:
        return
    sent = OutboundPackage.objects.filter(document=doc, kind=PackageKind.STATUS, status_code=status)
    if once and sent.exists():
        return
    message = packages.status_message(
        reporter=arrival.agency,
        counterpart=arrival.from_organ,
        counterpart_name=doc.issuer_name,
        about=doc,
        status=status,
        note=note,
        actor=actor,
        at=timezone.now(),
    )
    outbox.enqueue(
        agency=arrival.agency,
        kind=PackageKind.STATUS,
        to_organ=arrival.from_organ,
        data=packages.status_bytes(message),
        edxml_id=arrival.edxml_id,
        document=doc,
        status_code=status,
    )
