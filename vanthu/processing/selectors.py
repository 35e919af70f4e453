"""Read-only queries of the processing app: the one visibility rule for assignments, the
"my tasks" and overdue lists, the document page panel, and the nav count."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Direction, Document
from vanthu.documents.numbering import local_today
from vanthu.errors import PermissionDenied
from vanthu.processing.actions import (
    ASSIGNABLE,
    departments_to_reassign_in,
    may_handle,
    principal_for_assigning,
)
from vanthu.processing.deadlines import DUE_LABELS, due_state
from vanthu.processing.models import OPEN_STATUSES, Assignment, AssignmentRole
from vanthu.workdays import DueState

# The due markers a list row shows as a badge; "in time" needs none.
FLAGGED = (DueState.LATE, DueState.DUE_SOON)

LIST_RELATED = ("document", "assignee_user", "assignee_department", "assigned_by")
# What a row of the lists shows (processing/_assignment_rows.html, decorate): a document
# row is wide (search text, description…), and the lists are the busiest pages.
LIST_FIELDS = (
    "public_id",
    "role",
    "status",
    "due_on",
    "completed_at",
    "document__number_text",
    "document__notation",
    "document__arrival_number",
    "document__subject",
    "assignee_user__username",
    "assignee_user__full_name",
    "assignee_department__name",
    "assigned_by__username",
    "assigned_by__full_name",
)


def _mine(user) -> Q:
    """Lines the user answers for: given to them, or to a department they lead (the
    department leader is the one who hands the department's part on)."""
    mine = Q(assignee_user=user)
    led = roles_of(user).led_departments
    if led:
        mine |= Q(assignee_department_id__in=led)
    return mine


def my_open_assignments(user) -> QuerySet[Assignment]:
    """Open lines of the user, most urgent first (no deadline last); served by the
    (assignee_user, status, due_on) index."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(_mine(user), status__in=OPEN_STATUSES)
        .select_related(*LIST_RELATED)
        .only(*LIST_FIELDS)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def open_assignment_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Assignment.objects.filter(_mine(user), status__in=OPEN_STATUSES).count()


def overdue_agencies(user) -> set[int]:
    """Agencies whose overdue list the user may read: their agency leaders'."""
    return roles_of(user).agencies_with(Role.AGENCY_LEADER)


def overdue_for_agency(agency_id: int) -> QuerySet[Assignment]:
    """Open lines past their date, oldest deadline first; the (agency, status, due_on) index."""
    return (
        Assignment.objects.filter(
            agency_id=agency_id, status__in=OPEN_STATUSES, due_on__lt=local_today()
        )
        .select_related(*LIST_RELATED)
        .only(*LIST_FIELDS)
        .order_by("due_on", "pk")
    )


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """An assignment is seen by whoever may see its document (documents.access decides)."""
    return Assignment.objects.filter(document__in=documents_visible_to(user))


def get_assignment_for_user(user, public_id) -> Assignment:
    try:
        return (
            assignments_visible_to(user)
            .select_related(
                "document__agency",
                "assignee_user",
                "assignee_department",
                "assigned_by",
                "on_behalf_of",
                "parent",
                "result_document",
                "completed_by",
            )
            .get(public_id=public_id)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise Http404("Không tìm thấy việc được giao hoặc bạn không có quyền xem.") from None


def may_fill_slip(user, doc: Document) -> bool:
    if doc.direction != Direction.INCOMING or doc.status not in ASSIGNABLE:
        return False
    if (
        Assignment.objects.filter(document=doc, parent__isnull=True, role=AssignmentRole.LEAD)
        .exclude(status="cancelled")
        .exists()
    ):
        return False
    try:
        principal_for_assigning(user, doc)
    except PermissionDenied:
        return False
    return True


def allowed_actions(user, line: Assignment) -> set[str]:
    can: set[str] = set()
    if line.is_open and may_handle(user, line):
        can |= {"progress", "complete"}
    if line.is_open and line.role != AssignmentRole.INFO and departments_to_reassign_in(user, line):
        can.add("reassign")
    return can


def decorate(lines, today=None) -> list[Assignment]:
    """Attach the due marker (state code and Vietnamese label) each list shows."""
    today = today or local_today()
    for line in lines:
        finished = line.completed_at.date() if line.completed_at else None
        state = due_state(line.due_on, today, finished if not line.is_open else None)
        line.due_marker = state
        line.due_label = DUE_LABELS.get(state, "") if state else ""
    return lines


def prepare_rows(lines, today=None) -> list[Assignment]:
    """decorate() plus what a row of the lists prints, computed once in Python: the link,
    the date as text and whether the row is flagged. A {% url %} tag, a date filter and an
    include per row were two thirds of the list's rendering time (docs/PERFORMANCE.md)."""
    decorate(lines, today)
    for line in lines:
        line.url = reverse("processing:assignment_detail", args=[line.public_id])
        line.due_text = f"{line.due_on:%d/%m/%Y}" if line.due_on else ""
        line.flagged = line.is_open and line.due_marker in FLAGGED
    return lines


def document_panel(user, doc: Document) -> dict | None:
    """What processing/_document_panel.html shows on an incoming document's page: the lines
    of the handling slip in tree order with their markers and notes, what the user may do
    on each, and whether they may fill the slip. None for outgoing documents."""
    if doc.direction != Direction.INCOMING:
        return None
    lines = list(
        Assignment.objects.filter(document=doc)
        .select_related(
            "assignee_user",
            "assignee_department",
            "assigned_by",
            "on_behalf_of",
            "result_document",
        )
        .prefetch_related("notes__author")
        .order_by("created_at", "pk")
    )
    decorate(lines)
    children: dict[int | None, list[Assignment]] = {}
    for line in lines:
        children.setdefault(line.parent_id, []).append(line)
    ordered: list[Assignment] = []

    def walk(parent_id, depth):
        for line in children.get(parent_id, []):
            line.depth = depth
            line.can = allowed_actions(user, line)
            ordered.append(line)
            walk(line.pk, depth + 1)

    walk(None, 0)
    lead = next((a for a in ordered if a.parent_id is None and a.role == "lead"), None)
    return {
        "lines": ordered,
        "can_assign": may_fill_slip(user, doc),
        "completed": lead is not None and lead.status == "done",
        "lead": lead,
        "doc": doc,
    }
