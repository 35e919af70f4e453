"""Receiving packages from the hub: documents for our agencies, and status messages.

Each package is processed in its own transaction, under its InboundPackage row: a package
either leaves its whole effect (the incoming document, its files, its 01 in the outbox, the
alert) or, when it cannot be taken, a failed row and nothing else. Receipt is idempotent
twice over: by the hub's DocId (InboundPackage) and by the document itself (HubArrival:
recipient, sender organ, DocumentId), so neither a package listed again nor the same
document sent again in a new package creates a second incoming document.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import PurePath

from django.db import DatabaseError, transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.models import Agency
from vanthu.documents.actions.incoming import check_arrival
from vanthu.documents.files import (
    ANY_TYPES,
    PDF,
    CheckedFile,
    add_version,
    check_upload,
    sniff_mime,
)
from vanthu.documents.models import Channel, Direction, Document, FileVersion, Status
from vanthu.documents.search import search_text_for
from vanthu.edxml import Edoc, EdxmlError, StatusMessage, parse
from vanthu.errors import DomainError, ValidationFailed
from vanthu.exchange import outbox
from vanthu.exchange.feedback import report_back
from vanthu.exchange.ids import compose_document_id
from vanthu.exchange.inbound_status import delivery_for, describe_status, receive_status
from vanthu.exchange.models import (
    HubArrival,
    InboundPackage,
    InboundState,
    PackageKind,
    StatusCode,
)
from vanthu.exchange.packages import metadata_of
from vanthu.notifications.contacts import alert_arrival
from vanthu.signing.actions import check_signatures

log = logging.getLogger(__name__)

# The metadata an update (type 2) may change (vanthu.recalls.fields.UPDATABLE_FIELDS).
UPDATABLE = (
    "subject",
    "due_on",
    "urgency",
    "page_amount",
    "signer_name",
    "signer_position",
    "signing_capacity",
)


class Rejected(Exception):
    """A package we read but cannot take (no recipient of ours, no sender…): acknowledged
    "fail" to the hub with this reason, nothing created."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def receive(hub_doc_id: str, messagetype: str, data: bytes) -> InboundPackage:
    """Take one package the hub delivered; returns its InboundPackage, whose ack_status is
    what to acknowledge ("done" or "fail"). A DocId already received returns its row.

    Database and storage errors propagate: the package stays unacknowledged at the hub and
    the next poll tries again."""
    existing = InboundPackage.objects.filter(hub_doc_id=hub_doc_id).first()
    if existing is not None:
        return existing
    # Kept even when unreadable: an operator may need to show the sender what came.
    name, sha256 = outbox.store_payload(data)
    row = InboundPackage(
        hub_doc_id=hub_doc_id,
        kind=messagetype if messagetype in PackageKind.values else PackageKind.EDOC,
        payload_name=name,
        payload_sha256=sha256,
        payload_size=len(data),
        state=InboundState.PROCESSED,
        ack_status="done",
    )
    try:
        message = parse(data)
    except EdxmlError as exc:
        return _failed(row, f"Gói tin không đọc được: {exc.reason}")
    try:
        with transaction.atomic():
            if isinstance(message, StatusMessage):
                describe_status(row, message)
                row.save()
                receive_status(row, message)
            else:
                _describe_edoc(row, message)
                row.save()
                _receive_edoc(row, message)
            row.save()
    except (DatabaseError, OSError):
        raise
    except Rejected as exc:
        return _failed(_fresh(row), exc.reason)
    except (EdxmlError, DomainError) as exc:
        reason = exc.reason if isinstance(exc, EdxmlError) else exc.message
        return _failed(_fresh(row), f"Không tiếp nhận được gói tin: {reason}")
    except Exception as exc:
        # A bug of ours on a package: recorded and refused (visible on /lien-thong/), so one
        # package cannot block the poller; the sender sees the failure at the hub.
        log.exception("inbound package %s crashed", hub_doc_id)
        return _failed(_fresh(row), f"Lỗi khi xử lý gói tin: {exc!r}")
    return row


def _fresh(row: InboundPackage) -> InboundPackage:
    # The failed transaction rolled back the row's insert: keep what was read, not the pk.
    row.pk = None
    row.agency = None
    row.delivery = None
    return row


def _failed(row: InboundPackage, reason: str) -> InboundPackage:
    row.state = InboundState.FAILED
    row.ack_status = "fail"
    row.error = reason
    with transaction.atomic():
        row.save()
        record_event(
            "exchange.package_refused",
            row,
            agency=row.agency,
            after={"hub_doc_id": row.hub_doc_id, "from": row.from_organ},
            note=reason,
        )
    log.warning("inbound package %s refused: %s", row.hub_doc_id, reason)
    return row


# --- documents ---------------------------------------------------------------------------


def _describe_edoc(row: InboundPackage, edoc: Edoc) -> None:
    row.kind = PackageKind.EDOC
    row.from_organ = (edoc.from_.organ_id or "")[:35]
    row.from_name = (edoc.from_.name or edoc.from_.in_charge or "")[:200]
    row.business_type = edoc.business.business_doc_type if edoc.business else 0
    row.edxml_id = _edxml_id(edoc)[:255]


def _edxml_id(edoc: Edoc) -> str:
    # A sender without DocumentId still names its document: the composite id of the
    # standard makes the same document recognisable when it comes twice.
    return edoc.document_id or compose_document_id(
        edoc.from_.organ_id or "", edoc.promulgation_info.date, str(edoc.code)
    )


def _our_recipients(edoc: Edoc) -> list[Agency]:
    codes = [t.organ_id for t in edoc.to if t.organ_id]
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes, exchange_channel="local")}
    # In package order, once each.
    return [agencies[c] for c in dict.fromkeys(codes) if c in agencies]


def _receive_edoc(row: InboundPackage, edoc: Edoc) -> None:
    if not row.from_organ:
        raise Rejected("Gói tin không có mã định danh cơ quan gửi (From/OrganId).")
    recipients = _our_recipients(edoc)
    if not recipients:
        codes = ", ".join(t.organ_id or "?" for t in edoc.to)
        raise Rejected(f"Không có cơ quan nhận nào thuộc hệ thống này ({codes}).")
    row.agency = recipients[0]
    kind = row.business_type or 0
    reason = (edoc.business.business_doc_reason if edoc.business else None) or ""
    if kind in (0, 3):
        created = 0
        for agency in recipients:
            new = _arrive(row, edoc, agency)
            created += new is not None
            if kind == 3:
                _replace(row, edoc, agency, new, reason)
        if not created and kind == 0:
            row.state = InboundState.DUPLICATE
        return
    target = _target_id(edoc)
    copies = [c for c in (_copy_of(a, row.from_organ, target) for a in recipients) if c]
    if not copies:
        row.state = InboundState.IGNORED
        row.error = f"Không tìm thấy văn bản đến tương ứng ({target or 'không rõ mã'})."
        return
    from vanthu.recalls.actions import receive_request

    for copy in copies:
        if kind == 1:
            # A revocation package asks for the document back: the recall flow (13 → 15/16).
            receive_request(copy, "recall", reason or "Thu hồi văn bản điện tử")
        else:
            changes = _changes(copy, edoc)
            new_file = _new_file(copy, edoc)
            receive_request(copy, "update", reason, changes=changes, new_file=new_file)


def _target_id(edoc: Edoc) -> str:
    business = edoc.business
    if business is not None and business.business_doc_type == 1:
        # The SDK's revocation sample names its target in ResponseFor.
        for response in edoc.response_for:
            if response.document_id:
                return response.document_id
    if business is not None and business.document_id:
        return business.document_id
    return _edxml_id(edoc)


def _copy_of(agency: Agency, from_organ: str, edxml_id: str) -> Document | None:
    if not edxml_id:
        return None
    arrival = (
        HubArrival.objects.filter(agency=agency, from_organ=from_organ, edxml_id=edxml_id)
        .exclude(incoming_document=None)
        .select_related("incoming_document")
        .first()
    )
    return arrival.incoming_document if arrival else None


def _arrive(row: InboundPackage, edoc: Edoc, agency: Agency) -> Document | None:
    """The incoming copy for one of our agencies, as the local transport makes it; None
    when this document already arrived there (a repeat is ignored)."""
    if (
        row.edxml_id
        and HubArrival.objects.filter(
            agency=agency, from_organ=row.from_organ, edxml_id=row.edxml_id
        ).exists()
    ):
        return None
    doc = Document(
        agency=agency,
        direction=Direction.INCOMING,
        status=Status.ARRIVED,
        channel=Channel.ELECTRONIC,
        arrived_at=timezone.now(),
        **metadata_of(edoc),
    )
    doc.search_text = search_text_for(doc)
    doc.save()
    main = _store_files(doc, edoc)
    HubArrival.objects.create(
        package=row,
        agency=agency,
        incoming_document=doc,
        from_organ=row.from_organ,
        edxml_id=row.edxml_id,
        business_type=row.business_type or 0,
        code=str(edoc.code)[:255],
        promulgation_date=edoc.promulgation_info.date,
        response_to=_answered_document(edoc, agency),
    )
    record_event(
        "exchange.arrived",
        doc,
        agency=agency,
        after={"hub_doc_id": row.hub_doc_id, "from": row.from_organ, "document_id": row.edxml_id},
        note=f"Nhận qua trục liên thông từ {doc.issuer_name}",
    )
    # As LocalTransport: signatures checked on arrival (Art. 21.1b), 01 back at once, then
    # the agency's policy may refuse (02), then the contacts are alerted.
    if main is not None and main.mime_type == PDF:
        check_signatures(main)
    report_back(doc, StatusCode.ARRIVED)
    check_arrival(doc)
    alert_arrival(doc)
    return doc


def _checked(attachment) -> CheckedFile:
    """A received file as a CheckedFile. Anything the upload rules refuse (a spreadsheet,
    an odd name) is still the sender's record: kept, typed by its content only, so that an
    unknown type is served as a download, never rendered."""
    content = attachment.read()
    try:
        return check_upload(attachment.name, content, allowed=ANY_TYPES)
    except ValidationFailed:
        name = PurePath(attachment.name.replace("\\", "/")).name.strip() or "tep"
        mime = sniff_mime(content[:2048], content) or "application/octet-stream"
        return CheckedFile(name[:255], content, mime, hashlib.sha256(content).hexdigest(), None)


def _main_index(edoc: Edoc) -> int | None:
    """Which attachment is the document itself: the one described as such, else the first
    PDF, else the first file."""
    if not edoc.attachments:
        return None
    for index, attachment in enumerate(edoc.attachments):
        if (attachment.description or "").strip().casefold() == "văn bản chính":
            return index
    for index, attachment in enumerate(edoc.attachments):
        if attachment.content_type == PDF or attachment.name.lower().endswith(".pdf"):
            return index
    return 0


def _store_files(doc: Document, edoc: Edoc) -> FileVersion | None:
    main_index = _main_index(edoc)
    main = None
    for index, attachment in enumerate(edoc.attachments):
        kind = FileVersion.Kind.MAIN if index == main_index else FileVersion.Kind.ATTACHMENT
        version = add_version(doc, _checked(attachment), kind, None)
        if kind == FileVersion.Kind.MAIN:
            main = version
            if doc.page_amount is None and version.page_count:
                Document.objects.filter(pk=doc.pk).update(page_amount=version.page_count)
                doc.page_amount = version.page_count
    return main


def _replace(row: InboundPackage, edoc: Edoc, agency: Agency, new: Document | None, reason: str):
    """A replacing document (type 3): the replaced copy gets a replace request naming the
    new copy (which may have come first as a new document of its own)."""
    if new is None:
        new = _copy_of(agency, row.from_organ, row.edxml_id)
    targets = [
        r.document_id
        for r in (edoc.business.replacement_info if edoc.business else [])
        if not r.organ_ids or agency.code in r.organ_ids
    ]
    if not targets and edoc.business is not None and edoc.business.document_id:
        targets = [edoc.business.document_id]
    from vanthu.recalls.actions import receive_request

    for target in targets:
        old = _copy_of(agency, row.from_organ, target)
        if old is not None and new is not None and old.pk != new.pk:
            receive_request(old, "replace", reason or "Văn bản thay thế", replacement=new)


def _changes(copy: Document, edoc: Edoc) -> dict:
    business = edoc.business
    info = business.document_info if business else None
    if info is not None and info.document_info == 0:
        return {}  # the sender says the metadata did not change
    received = metadata_of(edoc)
    changes = {}
    for name in UPDATABLE:
        value = received[name]
        if name in ("page_amount", "due_on") and value is None:
            continue  # not carried is not "cleared"
        if value != getattr(copy, name):
            changes[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return changes


def _new_file(copy: Document, edoc: Edoc) -> CheckedFile | None:
    index = _main_index(edoc)
    if index is None:
        return None
    checked = _checked(edoc.attachments[index])
    current = copy.files.filter(kind=FileVersion.Kind.MAIN).order_by("-version").first()
    return None if current is not None and current.sha256 == checked.sha256 else checked


def _answered_document(edoc: Edoc, agency: Agency) -> Document | None:
    """Our outgoing document this one answers (edXML ResponseFor), when it names one."""
    for response in edoc.response_for:
        delivery = delivery_for(
            from_organ=edoc.from_.organ_id or "",
            our_organ=response.organ_id,
            edxml_id=response.document_id,
            code=response.code,
            promulgated_on=response.promulgation_date,
        )
        if delivery is not None:
            return delivery.document
    return None
