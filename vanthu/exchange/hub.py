"""Delivery to agencies outside this deployment, through the hub (trục liên thông).

Sending only writes the outbox, in the caller's transaction; `vanthu.exchange.worker`
sends the packages and polls the hub for arrivals and status messages.
"""

from __future__ import annotations

from django.utils import timezone

from vanthu.errors import ValidationFailed
from vanthu.exchange import conf, outbox, packages
from vanthu.exchange.feedback import record_status
from vanthu.exchange.ids import document_id_of
from vanthu.exchange.models import Delivery, PackageKind, StatusCode
from vanthu.vxp import VxpClient

SECRET_REFUSED = (
    "Văn bản mật không được gửi qua trục liên thông văn bản (Quyết định 28/2018/QĐ-TTg); "
    "hãy gửi bản giấy qua văn thư cho {name}."
)


def hub_client() -> VxpClient:
    if not conf.hub_configured():
        raise ValidationFailed(
            {
                "hub": "Chưa cấu hình trục liên thông (VANTHU_HUB_URL, VANTHU_HUB_SYSTEM_ID, "
                "VANTHU_HUB_SECRET)."
            }
        )
    return VxpClient(
        conf.hub_url(), conf.hub_system_id(), conf.hub_secret(), timeout=conf.hub_timeout()
    )


class HubTransport:
    name = "hub"

    def send(self, delivery: Delivery) -> None:
        doc = delivery.document
        if doc.is_secret:
            # Decision 28/2018: state secrets never travel as electronic documents. Raised
            # inside the issuing transaction, so the number is not taken either.
            raise ValidationFailed({"recipients": SECRET_REFUSED.format(name=delivery.recipient)})
        edoc = packages.document_edoc(doc, delivery.recipient, now=timezone.now())
        outbox.enqueue(
            agency=doc.agency,
            kind=PackageKind.EDOC,
            to_organ=delivery.recipient.code,
            data=packages.edoc_bytes(edoc),
            edxml_id=edoc.document_id or "",
            delivery=delivery,
            business_type=0,
        )

    def report_status(self, delivery: Delivery, status: str, *, actor=None, note: str = "") -> None:
        record_status(delivery, status, actor=actor, note=note)

    def send_request(self, request) -> None:
        """recall → status 13 with the reason; update → edoc type 2 with the changed
        metadata and the new main file; replace → edoc type 3 of the replacing document
        naming the replaced one (ReplacementInfo)."""
        delivery = request.delivery
        doc, recipient = delivery.document, delivery.recipient
        now = timezone.now()
        if request.kind == "recall":
            message = packages.status_message(
                reporter=doc.agency,
                counterpart=recipient.code,
                counterpart_name=recipient.name,
                about=doc,
                status=StatusCode.RECALL_REQUESTED,
                note=request.reason,
                actor=request.created_by,
                at=now,
            )
            outbox.enqueue(
                agency=doc.agency,
                kind=PackageKind.STATUS,
                to_organ=recipient.code,
                data=packages.status_bytes(message),
                edxml_id=document_id_of(doc),
                delivery=delivery,
                status_code=StatusCode.RECALL_REQUESTED,
            )
            return
        if request.kind == "update":
            from vanthu.recalls.fields import parse_received

            edoc = packages.document_edoc(
                doc,
                recipient,
                business_type=2,
                reason=request.reason,
                changes=parse_received(request.changes),
                files=[request.new_file] if request.new_file_id else [],
                now=now,
            )
        elif request.kind == "replace":
            new = request.replacement
            if new.is_secret:
                raise ValidationFailed({"recipients": SECRET_REFUSED.format(name=recipient)})
            edoc = packages.document_edoc(
                new, recipient, business_type=3, reason=request.reason, target=doc, now=now
            )
        else:
            raise ValueError(f"unknown request kind {request.kind!r}")
        outbox.enqueue(
            agency=doc.agency,
            kind=PackageKind.EDOC,
            to_organ=recipient.code,
            data=packages.edoc_bytes(edoc),
            edxml_id=edoc.document_id or "",
            delivery=delivery,
            business_type=edoc.business.business_doc_type if edoc.business else 0,
        )
