"""Due-soon and overdue markers for the document lists (văn bản đến, được chuyển, chờ xử lý,
trang chủ), on the same working-day rule and look as the processing lists.

An incoming document's handling deadline is the one on the leader's handling slip (the lead
line's due date) once the slip is filled, else the date the clerk entered at registration
(Document.due_on). The marker is shown only while the handling is still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from vanthu.documents.models import Direction, Document, Status
from vanthu.documents.numbering import local_today
from vanthu.processing.deadlines import DUE_LABELS, due_state
from vanthu.processing.models import OPEN_STATUSES, Assignment, AssignmentRole, AssignmentStatus
from vanthu.workdays import DueState

# The states a list flags; "in time" needs no badge.
FLAGGED = (DueState.LATE, DueState.DUE_SOON)


def _top_lead():
    return (
        Assignment.objects.filter(
            document=OuterRef("pk"), parent__isnull=True, role=AssignmentRole.LEAD
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .order_by("created_at", "pk")
    )


def with_handling_deadline(qs: QuerySet[Document]) -> QuerySet[Document]:
    """Annotate `handling_due` (the lead line's date, else the document's own) and
    `lead_status` (None before the slip is filled), so a list can count or sort overdue
    documents in the same query."""
    lead = _top_lead()
    return qs.annotate(
        lead_due=Subquery(lead.values("due_on")[:1]),
        lead_status=Subquery(lead.values("status")[:1]),
    ).annotate(handling_due=Coalesce("lead_due", "due_on"))


def still_open() -> Q:
    """On a with_handling_deadline queryset: handling not finished (no slip yet, or the lead
    line still open)."""
    return Q(lead_status__isnull=True) | Q(lead_status__in=OPEN_STATUSES)


def _lead_lines(doc_ids: list[int]) -> dict[int, tuple[date | None, str]]:
    """The top lead line of each document: (due date, status). One query for the whole list."""
    rows = (
        Assignment.objects.filter(
            document_id__in=doc_ids, parent__isnull=True, role=AssignmentRole.LEAD
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .order_by("document_id", "created_at", "pk")
        .values_list("document_id", "due_on", "status")
    )
    lead: dict[int, tuple[date | None, str]] = {}
    for doc_id, due_on, status in rows:
        lead.setdefault(doc_id, (due_on, status))
    return lead


def mark_documents(docs: Iterable[Document], today: date | None = None) -> list[Document]:
    """Attach `deadline`, `due_marker` ("late", "due_soon" or "") and `due_label` to each
    document and return them as a list. Outgoing and refused documents get no marker."""
    docs = list(docs)
    today = today or local_today()
    incoming = [d.pk for d in docs if d.direction == Direction.INCOMING]
    lead = _lead_lines(incoming) if incoming else {}
    for d in docs:
        d.deadline, d.due_marker, d.due_label = None, "", ""
        if d.direction != Direction.INCOMING or d.status == Status.REFUSED:
            continue
        if d.pk in lead:
            due_on, status = lead[d.pk]
            # A finished slip is no longer anyone's pending work: no marker.
            is_open = status in OPEN_STATUSES
            d.deadline = due_on or d.due_on
        else:
            is_open = True
            d.deadline = d.due_on
        if not is_open or d.deadline is None:
            continue
        state = due_state(d.deadline, today)
        if state in FLAGGED:
            d.due_marker, d.due_label = state, DUE_LABELS[state]
    return docs


def mark_page(page):
    """mark_documents on a paginator page, in place (the page keeps its list)."""
    page.object_list = mark_documents(page.object_list)
    return page
