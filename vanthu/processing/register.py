"""Sổ theo dõi giải quyết văn bản đến (the incoming handling log): one row per incoming
document registered in the period, filled from the handling slips — nobody writes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Direction, Document
from vanthu.documents.numbering import VIETNAM
from vanthu.errors import PermissionDenied
from vanthu.processing.models import Assignment, AssignmentRole, AssignmentStatus
from vanthu.reports.catalogue import DATE, ORDINAL, TEXT, Column, Register

READER_ROLES = (Role.CLERK, Role.AGENCY_LEADER)

COLUMNS = (
    Column("Số đến", 7, ORDINAL),
    Column("Ngày đến", 13, DATE),
    Column("Số, ký hiệu", 16, TEXT),
    Column("Trích yếu nội dung", 45, TEXT),
    Column("Đơn vị, người chủ trì", 25, TEXT),
    Column("Thời hạn giải quyết", 13, DATE),
    Column("Kết quả giải quyết", 35, TEXT),
    Column("Ngày hoàn thành", 13, DATE),
)


@dataclass(frozen=True)
class Row:
    arrival_number: int | None
    arrived_on: date | None
    reference: str
    subject: str
    lead: str
    due_on: date | None
    result: str
    completed_on: date | None

    def as_tuple(self) -> tuple:
        return (
            self.arrival_number,
            self.arrived_on,
            self.reference,
            self.subject,
            self.lead,
            self.due_on,
            self.result,
            self.completed_on,
        )


def reader_agencies(user) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=roles_of(user).agencies_with(*READER_ROLES))


def registered_incoming(user, agency: Agency, date_from: date, date_to: date):
    if not roles_of(user).has(agency.pk, *READER_ROLES):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan mới được xem sổ này.")
    # A half-open range on the raw column keeps the (agency, direction, arrived_at) index.
    start = datetime.combine(date_from, time.min, tzinfo=VIETNAM)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=VIETNAM)
    leads = (
        Assignment.objects.filter(parent__isnull=True, role=AssignmentRole.LEAD)
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("assignee_user", "assignee_department", "result_document")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Assignment.objects.filter(role=AssignmentRole.LEAD).select_related(
                    "assignee_user"
                ),
                to_attr="lead_children",
            )
        )
    )
    return (
        documents_visible_to(user)
        .filter(
            agency=agency,
            direction=Direction.INCOMING,
            arrival_number__isnull=False,
            arrived_at__gte=start,
            arrived_at__lt=end,
        )
        .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="slip_leads"))
        .order_by("arrived_at", "arrival_number", "pk")
    )


def row_of(doc: Document) -> Row:
    lead = doc.slip_leads[0] if getattr(doc, "slip_leads", None) else None
    name = result = ""
    completed = None
    if lead is not None:
        name = lead.assignee_name
        handlers = [c.assignee_name for c in lead.lead_children]
        if handlers:
            name += f" ({', '.join(handlers)})"
        if lead.status == AssignmentStatus.DONE:
            result = lead.result_note
            if lead.result_document is not None:
                result += f" — văn bản trả lời {lead.result_document.reference or '(chưa số)'}"
            completed = lead.completed_at.astimezone(VIETNAM).date() if lead.completed_at else None
        else:
            result = "Đang giải quyết" if lead.status == "in_progress" else "Chưa giải quyết"
    return Row(
        doc.arrival_number,
        doc.arrived_at.astimezone(VIETNAM).date() if doc.arrived_at else None,
        doc.reference,
        doc.subject,
        name,
        lead.due_on if lead is not None else None,
        result,
        completed,
    )


def handling_log(user, agency: Agency, date_from: date, date_to: date) -> list[tuple]:
    """The rows of the log for an agency and a period (inclusive), in register order."""
    docs = registered_incoming(user, agency, date_from, date_to)
    return [row_of(d).as_tuple() for d in docs.iterator(chunk_size=1000)]


# Laid out by the registers' own XLSX writer (reports.exports), like the Appendix IV books.
HANDLING_LOG = Register(
    "theo-doi-giai-quyet",
    "Sổ theo dõi giải quyết văn bản đến",
    "Theo dõi giải quyết VB đến",
    COLUMNS,
    handling_log,
)
