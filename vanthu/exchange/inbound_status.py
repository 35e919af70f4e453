"""Status messages from the hub: what a recipient reports about our documents (01–06,
15, 16 → the delivery's timeline) and a sender's request for its document back (13 → the
recalls app). Called by `inbound.receive` inside the package's transaction."""

from __future__ import annotations

import unicodedata

from django.utils import timezone

from vanthu.documents.models import Direction
from vanthu.documents.numbering import format_number
from vanthu.edxml import StatusMessage
from vanthu.edxml.constants import STATUS_LABELS
from vanthu.exchange.feedback import record_status
from vanthu.exchange.ids import document_id_of
from vanthu.exchange.models import (
    Delivery,
    DeliveryEvent,
    HubArrival,
    InboundPackage,
    InboundState,
    OutboundPackage,
    PackageKind,
    StatusCode,
)

# Statuses a recipient reports about our document; 13 comes the other way (a sender asks
# for its document back) and 00 is ours alone.
RECIPIENT_STATUSES = {"01", "02", "03", "04", "05", "06", "15", "16"}


def describe_status(row: InboundPackage, message: StatusMessage) -> None:
    row.kind = PackageKind.STATUS
    row.from_organ = (message.from_.organ_id or "")[:35]
    row.from_name = (message.from_.name or "")[:200]
    row.status_code = message.status_code[:2]
    row.edxml_id = (message.response_for.document_id or "")[:255]


def receive_status(row: InboundPackage, message: StatusMessage) -> None:
    code = message.status_code
    response = message.response_for
    if code == StatusCode.RECALL_REQUESTED:
        _receive_recall(row, message)
        return
    if code not in RECIPIENT_STATUSES:
        row.state = InboundState.IGNORED
        row.error = f"Mã trạng thái «{code}» không dùng cho phản hồi của nơi nhận."
        return
    delivery = delivery_for(
        from_organ=row.from_organ,
        our_organ=response.organ_id,
        edxml_id=response.document_id,
        code=response.code,
        promulgated_on=response.promulgation_date,
    )
    if delivery is None:
        row.state = InboundState.IGNORED
        row.error = (
            f"Không tìm thấy văn bản đã gửi {response.code or response.document_id or ''} "
            f"cho {row.from_organ}."
        )
        return
    row.delivery = delivery
    row.agency = delivery.document.agency
    at = max(message.timestamp or timezone.now(), _not_before(delivery, code))
    if DeliveryEvent.objects.filter(delivery=delivery, status=code, at=at).exists():
        row.state = InboundState.DUPLICATE
        return
    record_status(
        delivery,
        code,
        actor_name=_staff_name(message),
        note=_note(code, message.description),
        at=at,
    )


def _not_before(delivery: Delivery, code: str):
    """The earliest time a report can have on the timeline: clocks of two systems differ and
    edXML times have whole seconds, yet nothing is done to a document before it was sent,
    and no answer (15, 16) comes before the request (13) it answers."""
    floor = delivery.created_at
    if code in (StatusCode.RECALL_AGREED, StatusCode.RECALL_REFUSED):
        asked = (
            DeliveryEvent.objects.filter(delivery=delivery, status=StatusCode.RECALL_REQUESTED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        floor = max(floor, asked or floor)
    return floor


def _receive_recall(row: InboundPackage, message: StatusMessage) -> None:
    response = message.response_for
    arrivals = HubArrival.objects.filter(
        from_organ=row.from_organ, edxml_id=response.document_id or "-"
    ).exclude(incoming_document=None)
    if response.organ_id:
        arrivals = arrivals.filter(agency__code=response.organ_id)
    arrivals = list(arrivals.select_related("incoming_document", "agency"))
    if not arrivals:
        row.state = InboundState.IGNORED
        row.error = f"Không tìm thấy văn bản đến {response.code or response.document_id or ''}."
        return
    from vanthu.recalls.actions import receive_request

    row.agency = arrivals[0].agency
    for arrival in arrivals:
        receive_request(
            arrival.incoming_document, "recall", message.description or "Yêu cầu lấy lại văn bản"
        )


def _staff_name(message: StatusMessage) -> str:
    staff = message.staff_info
    if staff is None:
        return ""
    parts = [p for p in (staff.staff, staff.department) if p]
    return ", ".join(parts)[:100]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _note(code: str, description: str) -> str:
    # The standard wording adds nothing to the status label; anything else (a refusal's
    # reason, a completion note) is what the sender needs to read.
    if _fold(description) == _fold(STATUS_LABELS.get(code, "")):
        return ""
    return description


def delivery_for(
    *,
    from_organ: str,
    our_organ: str | None,
    edxml_id: str | None,
    code: str | None,
    promulgated_on,
) -> Delivery | None:
    """The delivery of our document `edxml_id` (or `code` of `promulgated_on`) to the
    agency `from_organ` — which recipient reports, about which of our documents."""
    deliveries = Delivery.objects.filter(
        recipient__code=from_organ, document__direction=Direction.OUTGOING
    ).select_related("document__agency", "recipient")
    if our_organ:
        deliveries = deliveries.filter(document__agency__code=our_organ)
    if edxml_id:
        sent = OutboundPackage.objects.filter(
            kind=PackageKind.EDOC, edxml_id=edxml_id, to_organ=from_organ
        ).values("delivery_id")
        candidates = list(deliveries.filter(pk__in=sent).order_by("pk"))
        # A replacing document travels under the old delivery too (type 3): prefer the
        # delivery of the document that carries this id.
        for delivery in candidates:
            if document_id_of(delivery.document) == edxml_id:
                return delivery
        if candidates:
            return candidates[0]
    if code:
        number, _, notation = code.partition("/")
        number = number.strip()
        variants = {number}
        if number.isdigit():
            variants |= {str(int(number)), format_number(int(number))}
        found = deliveries.filter(
            document__number_text__in=variants, document__notation=notation.strip()
        )
        if promulgated_on is not None:
            found = found.filter(document__issued_on=promulgated_on)
        return found.order_by("pk").first()
    return None
