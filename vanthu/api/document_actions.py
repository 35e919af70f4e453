"""State changes of one existing document: POST /documents/{id}/actions/{action}.

Each endpoint finds the document through get_document_for_user (404 when invisible), parses
its body, calls the one action, and answers the document as it now stands. Permission,
validation and the transition itself are the action's (403, 400 invalid_transition, ...).
"""

from __future__ import annotations

from uuid import UUID

from ninja import Router

from vanthu.api.lookups import departments_by_code, users_by_id
from vanthu.api.schemas import (
    ERRORS,
    AcceptIn,
    Decision,
    DocumentOut,
    ForwardIn,
    PresentIn,
    RefuseIn,
    ReviewIn,
)
from vanthu.documents import actions
from vanthu.documents.access import get_document_for_user
from vanthu.errors import ValidationFailed

router = Router(tags=["Xử lý văn bản"])

RESPONSES = {200: DocumentOut, **ERRORS}


@router.post("/{public_id}/actions/accept", response=RESPONSES, summary="Tiếp nhận, vào sổ")
def accept(request, public_id: UUID, data: AcceptIn | None = None):
    doc = get_document_for_user(request.auth, public_id)
    confirm = data.confirm_duplicate if data else False
    actions.accept_arrival(request.auth, doc, confirm_duplicate=confirm)
    return get_document_for_user(request.auth, public_id)


@router.post("/{public_id}/actions/refuse", response=RESPONSES, summary="Từ chối văn bản đến")
def refuse(request, public_id: UUID, data: RefuseIn):
    doc = get_document_for_user(request.auth, public_id)
    actions.refuse_arrival(request.auth, doc, data.reason)
    return get_document_for_user(request.auth, public_id)


@router.post("/{public_id}/actions/present", response=RESPONSES, summary="Trình lãnh đạo")
def present(request, public_id: UUID, data: PresentIn):
    doc = get_document_for_user(request.auth, public_id)
    errors: dict[str, str] = {}
    leaders = users_by_id([data.leader], "leader", errors)
    if errors:
        raise ValidationFailed(errors)
    actions.present_to_leader(request.auth, doc, leaders[0])
    return get_document_for_user(request.auth, public_id)


@router.post("/{public_id}/actions/forward", response=RESPONSES, summary="Chuyển xử lý")
def forward(request, public_id: UUID, data: ForwardIn):
    doc = get_document_for_user(request.auth, public_id)
    errors: dict[str, str] = {}
    users = users_by_id(data.users, "users", errors)
    departments = departments_by_code(doc.agency, data.departments, "departments", errors)
    if errors:
        raise ValidationFailed(errors)
    actions.forward_document(
        request.auth, doc, users=users, departments=departments, note=data.note
    )
    return get_document_for_user(request.auth, public_id)


@router.post("/{public_id}/actions/submit", response=RESPONSES, summary="Trình dự thảo")
def submit(request, public_id: UUID):
    doc = get_document_for_user(request.auth, public_id)
    actions.submit_draft(request.auth, doc)
    return get_document_for_user(request.auth, public_id)


def _review_step(request, public_id: UUID, data: ReviewIn, step):
    """The three review steps share one shape; each keeps its own route for the OpenAPI."""
    doc = get_document_for_user(request.auth, public_id)
    step(request.auth, doc, approve=data.decision == Decision.APPROVE, comment=data.comment)
    return get_document_for_user(request.auth, public_id)


@router.post(
    "/{public_id}/actions/review_content",
    response=RESPONSES,
    summary="Kiểm tra nội dung (lãnh đạo đơn vị soạn thảo)",
)
def review_content(request, public_id: UUID, data: ReviewIn):
    return _review_step(request, public_id, data, actions.review_content)


@router.post(
    "/{public_id}/actions/check_form",
    response=RESPONSES,
    summary="Kiểm tra thể thức, kỹ thuật trình bày (văn thư)",
)
def check_form(request, public_id: UUID, data: ReviewIn):
    return _review_step(request, public_id, data, actions.check_form)


@router.post(
    "/{public_id}/actions/approve_signature",
    response=RESPONSES,
    summary="Ký duyệt (người ký được chỉ định)",
)
def approve_signature(request, public_id: UUID, data: ReviewIn):
    return _review_step(request, public_id, data, actions.approve_signature)


@router.post("/{public_id}/actions/issue", response=RESPONSES, summary="Cấp số và phát hành")
def issue(request, public_id: UUID):
    doc = get_document_for_user(request.auth, public_id)
    actions.issue_document(request.auth, doc)
    return get_document_for_user(request.auth, public_id)
