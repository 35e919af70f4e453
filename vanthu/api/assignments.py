"""Handling incoming documents over the API: the leader's handling slip, the handler's open
work, progress and completion — the same actions as the web pages (processing.actions),
which decide permission, validation and the transitions (and report 04/05/06 to the
sender). Lines are found through get_assignment_for_user: 404 when their document is not
visible."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router
from ninja.responses import Status as WithStatus

from vanthu.api.lookups import departments_by_code, users_by_id
from vanthu.api.pages import paginate
from vanthu.api.schemas import (
    ERRORS,
    AssigneeIn,
    AssignIn,
    AssignmentOut,
    AssignmentPage,
    AssignmentSummary,
    CompleteIn,
    PageParams,
    ProgressIn,
)
from vanthu.directory.models import Department, User
from vanthu.documents.access import get_document_for_user
from vanthu.documents.models import Document
from vanthu.errors import ValidationFailed
from vanthu.processing import actions
from vanthu.processing.selectors import LIST_FIELDS, get_assignment_for_user, my_open_assignments

router = Router(tags=["Giao và xử lý công việc"])


def _assignee(
    doc: Document, given: AssigneeIn, field: str, errors: dict[str, str]
) -> User | Department | None:
    """One person (by id) or one department of the document's agency (by code)."""
    if (given.user is None) == (given.department is None):
        errors[field] = "Mỗi người được giao ghi đúng một trong hai: user hoặc department."
        return None
    if given.user is not None:
        found = users_by_id([given.user], field, errors)
    else:
        found = departments_by_code(doc.agency, [given.department or ""], field, errors)
    return found[0] if found else None


@router.get(
    "/assignments",
    response={200: AssignmentPage, **ERRORS},
    summary="Việc của tôi: các việc đang mở, hạn gần nhất trước",
)
def my_assignments(request, params: Query[PageParams]):
    # The web list's columns, plus what this schema adds: without them each row would load
    # its directive and the ids of its people one query at a time.
    rows = my_open_assignments(request.auth).only(
        *LIST_FIELDS,
        "directive",
        "document__public_id",
        "assignee_user__public_id",
        "assignee_department__code",
        "assigned_by__public_id",
    )
    return paginate(rows, params)


@router.get(
    "/assignments/{public_id}",
    response={200: AssignmentOut, **ERRORS},
    summary="Một việc được giao",
)
def assignment(request, public_id: UUID):
    return get_assignment_for_user(request.auth, public_id)


@router.post(
    "/documents/{public_id}/assignments",
    response={201: list[AssignmentSummary], **ERRORS},
    summary="Giao xử lý văn bản đến (phiếu giao việc của lãnh đạo)",
)
def assign(request, public_id: UUID, data: AssignIn):
    doc = get_document_for_user(request.auth, public_id)
    errors: dict[str, str] = {}
    lead = _assignee(doc, data.lead, "lead", errors)
    co = [_assignee(doc, a, "co", errors) for a in data.co]
    info = [_assignee(doc, a, "info", errors) for a in data.info]
    if errors:
        raise ValidationFailed(errors)
    lines = actions.assign(
        request.auth,
        doc,
        lead=lead,
        co=co,
        info=info,
        due_on=data.due_on,
        due_working_days=data.due_working_days,
        directive=data.directive,
    )
    return WithStatus(201, lines)


@router.post(
    "/assignments/{public_id}/progress",
    response={200: AssignmentOut, **ERRORS},
    summary="Cập nhật tiến độ",
)
def progress(request, public_id: UUID, data: ProgressIn):
    line = get_assignment_for_user(request.auth, public_id)
    actions.add_progress(request.auth, line, data.text)
    return get_assignment_for_user(request.auth, public_id)


@router.post(
    "/assignments/{public_id}/complete",
    response={200: AssignmentOut, **ERRORS},
    summary="Báo cáo hoàn thành",
)
def complete(request, public_id: UUID, data: CompleteIn):
    line = get_assignment_for_user(request.auth, public_id)
    result = None
    if data.result_document is not None:
        result = Document.objects.filter(public_id=data.result_document).first()
        if result is None:
            raise ValidationFailed({"result_document": "Không tìm thấy văn bản trả lời."})
    actions.complete(request.auth, line, result_note=data.result_note, result_document=result)
    return get_assignment_for_user(request.auth, public_id)
