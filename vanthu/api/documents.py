"""Documents: lists, one document, its files and history, registering incoming documents and
drafting outgoing ones. The state changes of an existing document are in document_actions.

Every endpoint starts from documents_visible_to / get_document_for_user, so anything the
caller may not see answers 404 exactly like something that does not exist.
"""

from __future__ import annotations

from uuid import UUID

from django.core.files.storage import default_storage
from django.db.models import Case, DateField, F, When
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status as WithStatus

from vanthu.api.lookups import (
    acting_agency,
    agencies_by_code,
    departments_by_code,
    users_by_id,
)
from vanthu.api.pages import paginate
from vanthu.api.schemas import (
    ERRORS,
    DocumentFilters,
    DocumentOut,
    DocumentPage,
    HistoryEventOut,
    IncomingIn,
    OutgoingIn,
    PageParams,
)
from vanthu.audit.events import history_of
from vanthu.audit.labels import EVENT_LABELS
from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents import actions
from vanthu.documents.access import documents_visible_to, get_document_for_user
from vanthu.documents.actions.outgoing import STAFF_ROLES
from vanthu.documents.models import Direction
from vanthu.documents.validation import Metadata
from vanthu.errors import ValidationFailed
from vanthu.web.views.lists import filter_documents

router = Router(tags=["Văn bản"])

# The date a list filters on: the day it arrived for incoming documents, the day it was
# issued for outgoing ones (the same columns as the registers of Appendix IV).
DATE_FIELDS = {Direction.INCOMING: "arrived_at__date", Direction.OUTGOING: "issued_on"}
ORDERING = {
    Direction.INCOMING: ["-arrived_at", "-id"],
    Direction.OUTGOING: ["-issued_at", "-created_at", "-id"],
    None: ["-created_at", "-id"],
}


@router.get("", response={200: DocumentPage, **ERRORS}, summary="Danh sách văn bản")
def list_documents(request, filters: Query[DocumentFilters], paging: Query[PageParams]):
    # Scoped to the user's agencies so the per-agency indexes apply (see web/views/lists.py).
    qs = documents_visible_to(request.auth).filter(agency_id__in=roles_of(request.auth).agencies())
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
        date_field = DATE_FIELDS[filters.direction]
    else:
        qs = qs.annotate(
            register_date=Case(
                When(direction=Direction.INCOMING, then=TruncDate("arrived_at")),
                default=F("issued_on"),
                output_field=DateField(),
            )
        )
        date_field = "register_date"
    params = {
        "q": filters.q,
        "type": filters.type,
        "status": filters.status,
        "urgency": filters.urgency,
        "issuer": filters.issuer,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
    }
    qs, errors = filter_documents(qs, params, date_field=date_field)
    if errors:
        raise ValidationFailed({"from": " ".join(errors)})
    qs = qs.select_related("agency", "doc_type").order_by(*ORDERING[filters.direction])
    return paginate(qs, paging)


# /incoming and /outgoing come before /{public_id}: Django tries the patterns in order and
# `{public_id}` is a plain segment (so that a malformed id answers a JSON 422, not HTML).
@router.post(
    "/incoming",
    response={201: DocumentOut, **ERRORS},
    summary="Vào sổ văn bản đến (bản giấy đã quét hoặc tệp điện tử)",
)
def register_incoming(request, data: Form[IncomingIn], file: File[UploadedFile]):
    user = request.auth
    agency = acting_agency(user, data.agency, Role.CLERK)
    meta = Metadata(
        doc_type_code=data.doc_type,
        subject=data.subject,
        number_text=data.code_number,
        notation=data.code_notation,
        issued_on=data.issued_on,
        issuer_name=data.issuer_name,
        issuer_code=data.issuer_code,
        signer_name=data.signer_name,
        signer_position=data.signer_position,
        signing_capacity=data.signing_capacity,
        urgency=data.urgency,
        secrecy=data.secrecy,
        due_on=data.due_on,
        page_amount=data.page_amount,
        description=data.description,
    )
    doc = actions.register_incoming(
        user,
        agency,
        meta,
        file_name=file.name or "",
        file_content=file.read(),
        channel=data.channel,
        confirm_duplicate=data.confirm_duplicate,
    )
    return WithStatus(201, get_document_for_user(user, doc.public_id))


@router.post("/outgoing", response={201: DocumentOut, **ERRORS}, summary="Tạo dự thảo văn bản đi")
def create_outgoing(request, data: Form[OutgoingIn], file: File[UploadedFile]):
    user = request.auth
    agency = acting_agency(user, data.agency, *STAFF_ROLES)
    errors: dict[str, str] = {}
    signers = users_by_id([data.signer], "signer", errors) if data.signer else []
    departments = departments_by_code(agency, [data.department], "department", errors)
    recipients = agencies_by_code(data.recipients, "recipients", errors)
    readers = users_by_id(data.named_readers, "named_readers", errors)
    if errors:
        raise ValidationFailed(errors)
    meta = Metadata(
        doc_type_code=data.doc_type,
        subject=data.subject,
        signer_position=data.signer_position,
        signing_capacity=data.signing_capacity,
        urgency=data.urgency,
        secrecy=data.secrecy,
        due_on=data.due_on,
        issued_amount=data.issued_amount,
        description=data.description,
        recipients_text=data.recipients_text,
        is_normative=data.is_normative,
    )
    doc = actions.create_draft(
        user,
        agency,
        meta,
        department=departments[0] if departments else None,
        signer=signers[0] if signers else None,
        recipients=recipients,
        file_name=file.name or "",
        file_content=file.read(),
        named_readers=readers,
    )
    return WithStatus(201, get_document_for_user(user, doc.public_id))


@router.get("/{public_id}", response={200: DocumentOut, **ERRORS}, summary="Một văn bản")
def get_document(request, public_id: UUID):
    return get_document_for_user(request.auth, public_id)


@router.get(
    "/{public_id}/files/{file_id}",
    response=ERRORS,
    summary="Tải tệp của văn bản",
    openapi_extra={
        "responses": {
            200: {
                "description": "Nội dung tệp (Content-Type theo tệp, X-Checksum-SHA256)",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_file(request, public_id: UUID, file_id: UUID):
    doc = get_document_for_user(request.auth, public_id)
    version = doc.files.filter(public_id=file_id).first()
    if version is None:
        raise Http404("Không tìm thấy tệp.")
    # Streamed from storage in chunks: a 50 MB scan need not sit in the worker's memory.
    response = FileResponse(
        default_storage.open(version.storage_name, "rb"),
        content_type=version.mime_type,
        as_attachment=True,
        filename=version.original_name,
    )
    response["X-Checksum-SHA256"] = version.sha256
    return response


@router.get(
    "/{public_id}/history",
    response={200: list[HistoryEventOut], **ERRORS},
    summary="Nhật ký xử lý văn bản",
)
def document_history(request, public_id: UUID):
    doc = get_document_for_user(request.auth, public_id)
    return [
        {
            "at": event.at,
            "action": event.action,
            "action_label": EVENT_LABELS.get(event.action, event.action),
            "actor": event.actor,
            "note": event.note,
            "before": event.before,
            "after": event.after,
        }
        for event in history_of(doc)
    ]
