"""Our documents and statuses as edXML messages, and edXML metadata back as our fields.

Both directions live here so that what we send and what we read stay each other's mirror
(the fields are those LocalTransport copies, Appendix VI). Building is pure given the rows;
storage and the outbox are in outbox.py.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from vanthu.directory.models import Agency, Membership
from vanthu.documents.files import issued_files, read_bytes
from vanthu.documents.models import DocumentType, SigningCapacity, Urgency
from vanthu.edxml import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    Code,
    Edoc,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ReplacementInfo,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusMessage,
    TraceEntry,
    build_edoc,
    build_status,
)
from vanthu.edxml import DocumentType as EdxmlDocumentType
from vanthu.edxml.constants import STATUS_LABELS
from vanthu.exchange.ids import document_id_of
from vanthu.workfiles.replies import response_for

# OtherInfo/Priority. Observed values are 0 and 1; one product maps 0 thường, 1 khẩn,
# 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ (STANDARDS 1.3) — the only full mapping known.
PRIORITY_OF_URGENCY = {
    Urgency.NORMAL: 0,
    Urgency.URGENT: 1,
    Urgency.VERY_URGENT: 2,
    Urgency.FLASH: 3,
}
URGENCY_OF_PRIORITY = {0: Urgency.NORMAL, 1: Urgency.URGENT, 2: Urgency.VERY_URGENT}
# BussinessDocReason as the SDK samples word it.
REASONS = {
    0: "Văn bản điện tử mới",
    1: "Thu hồi văn bản điện tử",
    2: "Cập nhật văn bản điện tử",
    3: "Văn bản thay thế",
}
FALLBACK_TYPE = "CV"  # an unknown TypeName arrives as a công văn; the clerk can correct it


def organization(agency: Agency) -> Organization:
    parent = agency.parent.name if agency.parent_id else None
    return Organization(
        organ_id=agency.code, name=agency.name, in_charge=parent, email=agency.email or None
    )


def staff_info(user, agency: Agency) -> StaffInfo | None:
    """Who acted, as the sender's document page shows it (StaffInfo)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = (
        Membership.objects.current()
        .filter(user=user, agency=agency, department__isnull=False)
        .select_related("department")
        .first()
    )
    return StaffInfo(
        department=membership.department.name if membership else None,
        staff=user.full_name or user.username,
        staff_id=user.username,
        email=user.email or None,
        mobile=user.phone or None,
    )


def _to_places(recipients_text: str) -> list[str]:
    parts = recipients_text.replace("\n", ";").split(";")
    return [p.strip() for p in parts if p.strip()]


def _attachment(version) -> Attachment:
    return Attachment(
        name=version.original_name,
        content_type=version.mime_type,
        description="Văn bản chính" if version.kind == "main" else "Tệp kèm theo",
        data=read_bytes(version.storage_name),
    )


def response_for_of(doc) -> list[ResponseFor]:
    """The incoming documents `doc` answers (work files' reply links), as edXML names them."""
    return [
        ResponseFor(
            organ_id=answered.issuer_code or None,
            code=answered.reference or None,
            promulgation_date=answered.issued_on,
            document_id=document_id_of(answered) or None,
        )
        for answered in response_for(doc)
    ]


def document_edoc(
    doc,
    recipient: Agency,
    *,
    business_type: int = 0,
    reason: str | None = None,
    changes: dict | None = None,
    files=None,
    target=None,
    now: dt.datetime,
) -> Edoc:
    """`doc` as a package for one recipient.

    business_type 2 (update) overlays `changes` (model-typed values) on the metadata and
    carries only the new `files`; 3 (replace) names `target`, the replaced document; 1 (revoke) names `target`
    in ResponseFor, as the SDK's revocation sample does.
    """
    changes = changes or {}

    def value(field: str):
        return changes.get(field, getattr(doc, field))

    files = list(issued_files(doc)) if files is None else list(files)
    business = Business(
        business_doc_type=business_type,
        business_doc_reason=reason or REASONS[business_type],
        paper=0,
    )
    responses = response_for_of(doc)
    if business_type == 2:
        business.document_id = document_id_of(doc)
        business.document_info = BusinessDocumentInfo(
            document_info=1 if changes else 0, document_receiver=0
        )
    elif business_type == 3 and target is not None:
        business.document_id = document_id_of(target)
        business.replacement_info = [
            ReplacementInfo(document_id=document_id_of(target), organ_ids=[recipient.code])
        ]
    elif business_type == 1 and target is not None:
        responses = [_response_for_document(target, recipient)]
    urgency = value("urgency")
    return Edoc(
        from_=organization(doc.agency),
        to=[organization(recipient)],
        code=Code(number=doc.number_text, notation=doc.notation),
        subject=value("subject"),
        promulgation_info=PromulgationInfo(date=doc.issued_on),
        document_type=EdxmlDocumentType(type_name=doc.doc_type.name),
        signer=Signer(
            competence=value("signing_capacity") or None,
            position=value("signer_position") or None,
            full_name=value("signer_name"),
        ),
        due_date=value("due_on"),
        priority=PRIORITY_OF_URGENCY.get(urgency, 0),
        to_places=_to_places(doc.recipients_text),
        other_info=OtherInfo(
            promulgation_amount=doc.issued_amount, page_amount=value("page_amount")
        ),
        response_for=responses,
        document_id=document_id_of(doc),
        business=business,
        trace=[TraceEntry(organ_id=doc.agency.code, timestamp=now)],
        attachments=[_attachment(f) for f in files],
    )


def _response_for_document(doc, counterpart_code: str | Agency) -> ResponseFor:
    code = counterpart_code.code if isinstance(counterpart_code, Agency) else counterpart_code
    return ResponseFor(
        organ_id=code or None,
        code=doc.reference or None,
        promulgation_date=doc.issued_on,
        document_id=document_id_of(doc) or None,
    )


def status_message(
    *,
    reporter: Agency,
    counterpart: str,
    counterpart_name: str = "",
    about,
    status: str,
    note: str,
    actor,
    at: dt.datetime,
) -> StatusMessage:
    """A status about document `about`, from `reporter` to the `counterpart` organ.

    ResponseFor/OrganId names the counterpart, as in the SDK samples (a receiver's 03 names
    the sender; a sender's 13 names the receiver): it is what the hub routes a status by.
    """
    return StatusMessage(
        from_=organization(reporter),
        to=Organization(organ_id=counterpart, name=counterpart_name or None),
        response_for=_response_for_document(about, counterpart),
        status_code=status,
        description=note or STATUS_LABELS.get(status, ""),
        timestamp=at,
        staff_info=staff_info(actor, reporter),
    )


def edoc_bytes(edoc: Edoc) -> bytes:
    # Attachments ZIP-wrapped as the VNPT SDK sends them: SDK-based receivers expect it,
    # and our parser reads both forms.
    return build_edoc(edoc, zip_attachments=True)


def status_bytes(message: StatusMessage) -> bytes:
    return build_status(message)


# --- reading -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def document_type_for(type_name: str) -> DocumentType:
    wanted = _fold(type_name)
    for doc_type in DocumentType.objects.all():
        if _fold(doc_type.name) == wanted:
            return doc_type
    return DocumentType.objects.get(code=FALLBACK_TYPE)


def signing_capacity_for(competence: str | None) -> tuple[str, str]:
    """Competence ("KT. CHỦ TỊCH", "TL. BO TRUONG", "Trực tiếp") → (capacity, the rest)."""
    text = (competence or "").strip()
    head, _, rest = text.partition(" ")
    for capacity in SigningCapacity.values:
        if capacity and head.upper() == capacity:
            return capacity, rest.strip()
    return "", ""


def _clip(value: str | None, length: int) -> str:
    return (value or "").strip()[:length]


def metadata_of(edoc: Edoc) -> dict:
    """The Document fields an arrival takes from the package (LocalTransport._COPIED_FIELDS),
    clipped to our column sizes: a foreign system's long value must not fail the arrival."""
    capacity, _ = signing_capacity_for(edoc.signer.competence)
    priority = edoc.priority or 0
    urgency = URGENCY_OF_PRIORITY.get(priority, Urgency.FLASH if priority >= 3 else Urgency.NORMAL)
    sender = edoc.from_
    page_amount = edoc.other_info.page_amount
    return {
        "doc_type": document_type_for(edoc.document_type.type_name),
        "number_text": _clip(edoc.code.number, 11),
        "notation": _clip(edoc.code.notation, 30),
        "subject": _clip(edoc.subject or edoc.content or "(không có trích yếu)", 500),
        "issued_on": edoc.promulgation_info.date,
        "issuer_name": _clip(sender.name or sender.in_charge or sender.organ_id, 200),
        "issuer_code": _clip(sender.organ_id, 35),
        "signer_name": _clip(edoc.signer.full_name, 50),
        "signer_position": _clip(edoc.signer.position, 100),
        "signing_capacity": capacity,
        "urgency": urgency,
        "due_on": edoc.due_date,
        "page_amount": page_amount if page_amount and 0 < page_amount < 32768 else None,
        "recipients_text": _clip("; ".join(edoc.to_places), 1000),
    }
