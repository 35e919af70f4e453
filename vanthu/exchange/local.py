"""Delivery between agencies of the same deployment: the copy lands directly in the
recipient agency's clerk queue as "đã đến" (01), with no package on the wire."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vanthu.documents.actions.incoming import check_arrival
from vanthu.documents.files import PDF, issued_files
from vanthu.documents.models import Channel, Direction, Document, FileVersion, Status
from vanthu.exchange.feedback import record_status
from vanthu.exchange.models import Delivery, StatusCode
from vanthu.signing.actions import check_signatures

# Metadata that travels with a document (Appendix VI); the rest belongs to the sender.
_COPIED_FIELDS = (
    "doc_type_id",
    "number_text",
    "notation",
    "subject",
    "issued_on",
    "issuer_name",
    "issuer_code",
    "signer_name",
    "signer_position",
    "signing_capacity",
    "urgency",
    "due_on",
    "page_amount",
    "language",
    "recipients_text",
)


class LocalTransport:
    name = "local"

    def send(self, delivery: Delivery) -> None:
        # One transaction for the arrival and its alert (the issuing action usually holds
        # one already; this makes it true for any caller).
        with transaction.atomic():
            self._send(delivery)

    def _send(self, delivery: Delivery) -> None:
        source = delivery.document
        incoming = Document.objects.create(
            agency=delivery.recipient,
            direction=Direction.INCOMING,
            status=Status.ARRIVED,
            channel=Channel.ELECTRONIC,
            arrived_at=timezone.now(),
            search_text=source.search_text,
            **{f: getattr(source, f) for f in _COPIED_FIELDS},
        )
        copies = FileVersion.objects.bulk_create(
            FileVersion(
                document=incoming,
                kind=f.kind,
                version=f.version,
                original_name=f.original_name,
                storage_name=f.storage_name,
                sha256=f.sha256,
                size=f.size,
                mime_type=f.mime_type,
                page_count=f.page_count,
            )
            for f in issued_files(source)
        )
        # The recipient's system checks authenticity and integrity on arrival (Art. 21.1b):
        # the clerk sees the verdict before accepting or returning the document.
        for copy in copies:
            if copy.kind == FileVersion.Kind.MAIN and copy.mime_type == PDF:
                check_signatures(copy)
        delivery.incoming_document = incoming
        delivery.save(update_fields=["incoming_document", "updated_at"])
        self.report_status(delivery, StatusCode.ARRIVED)
        # After 01: the sender sees that it arrived, then that the recipient's rules
        # refused it (02), as with a clerk's refusal.
        check_arrival(incoming)
        # The agency's exchange contacts (or its clerks) hear of it at once, by SMS too;
        # after the policy check, so a refusal is part of the message.
        from vanthu.notifications.contacts import alert_arrival

        alert_arrival(incoming)

    def report_status(self, delivery: Delivery, status: str, *, actor=None, note: str = "") -> None:
        record_status(delivery, status, actor=actor, note=note)

    def send_request(self, request) -> None:
        # Same database: the recalls app hands the request straight to the recipient's copy.
        from vanthu.recalls.local import deliver_locally

        deliver_locally(request)
