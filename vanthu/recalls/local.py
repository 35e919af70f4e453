"""Requests between agencies of the same deployment: the recipient's row is written directly,
in the sender's transaction (`LocalTransport.send_request` calls `deliver_locally`)."""

from __future__ import annotations

from vanthu.documents.models import Document
from vanthu.errors import InvalidTransition
from vanthu.recalls import effects
from vanthu.recalls.actions import receive_request
from vanthu.recalls.models import ExchangeRequest, Kind


def deliver_locally(request: ExchangeRequest) -> None:
    delivery = request.delivery
    incoming = delivery.incoming_document
    if incoming is None:
        raise InvalidTransition(
            f"{delivery.recipient.name} chưa có bản văn bản đến để nhận yêu cầu; hãy thử lại sau."
        )
    new_file = None
    if request.kind == Kind.UPDATE and request.new_file_id:
        # The row is copied onto the copy; the bytes are shared (content-addressed storage).
        new_file = effects.stage_file(incoming, request.new_file)
    replacement = None
    if request.kind == Kind.REPLACE and request.replacement_id:
        # The replacement's own delivery to this recipient brought the new copy.
        replacement = Document.objects.filter(
            source_delivery__document_id=request.replacement_id,
            source_delivery__recipient_id=delivery.recipient_id,
        ).first()
    receive_request(
        incoming,
        request.kind,
        request.reason,
        changes=request.changes,
        new_file=new_file,
        replacement=replacement,
        origin=request,
    )
