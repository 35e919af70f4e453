"""What the monitoring pages and spreadsheets show: the dashboard (agencies × indicators),
the per-official table and each indicator's list of items. Views and exports only lay these
out, so the page and the XLSX always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.urls import reverse

from vanthu.directory.models import Membership, User
from vanthu.monitoring import queries
from vanthu.monitoring.period import VN, Period
from vanthu.monitoring.queries import Cell
from vanthu.monitoring.scope import Scope

NO_DATA = "chưa có dữ liệu"
SECRET_SUBJECT = "(văn bản mật)"


@dataclass(frozen=True)
class Indicator:
    slug: str
    title: str  # column heading and drill-down title
    # A share strictly above this (per cent) is marked red. 0: any single item is a breach.
    threshold: float
    why: str


INDICATORS = {
    i.slug: i
    for i in (
        Indicator(
            queries.LATE_REGISTRATION,
            "Văn bản đến chưa vào sổ đúng hạn",
            0,
            "Văn bản đến điện tử phải được vào sổ trong ngày, chậm nhất là ngày làm việc tiếp "
            "theo (Nghị định 30/2020, Điều 22).",
        ),
        Indicator(
            queries.OVERDUE,
            "Việc được giao quá hạn",
            10,
            "Việc có hạn xử lý trong kỳ, chưa xong khi đã quá hạn hoặc hoàn thành sau hạn.",
        ),
        Indicator(
            queries.UNSIGNED,
            "Văn bản đi thiếu chữ ký số",
            0,
            "Văn bản đã phát hành mà lần kiểm tra gần nhất của tệp chính thiếu chữ ký số cá "
            "nhân hoặc chữ ký số cơ quan; văn bản chưa được kiểm tra được đếm riêng.",
        ),
        Indicator(
            queries.PAPER,
            "Văn bản đến nhận bản giấy",
            30,
            "Tỷ lệ văn bản đến nhận bằng bản giấy trên tổng số văn bản đến trong kỳ.",
        ),
        Indicator(
            queries.UNREPORTED,
            "Chưa báo trạng thái cho nơi gửi",
            0,
            "Văn bản đến qua trục liên thông vẫn ở trạng thái 01 (đã đến) quá một ngày làm "
            "việc: nơi gửi không biết văn bản đã được tiếp nhận hay xử lý.",
        ),
    )
}


def marked(indicator: Indicator, cell: Cell | None) -> bool:
    if cell is None or not cell.count:
        return False
    return (cell.percent or 0) > indicator.threshold


@dataclass
class Row:
    label: str
    code: str  # agency code, or "" for the totals row
    depth: int
    cells: dict[str, Cell | None] = field(default_factory=dict)

    def columns(self):
        """(indicator, cell, red?) in the dashboard's column order."""
        return [
            (INDICATORS[s], self.cells[s], marked(INDICATORS[s], self.cells[s])) for s in INDICATORS
        ]


@dataclass
class Dashboard:
    period: Period
    rows: list[Row]
    total: Row
    has_assignments: bool


def build_dashboard(scope: Scope, period: Period, now: datetime) -> Dashboard:
    ids = scope.ids
    today = now.astimezone(VN).date()
    found: dict[str, dict[int, Cell] | None] = {
        queries.LATE_REGISTRATION: queries.count_late_registrations(period, ids, now),
        queries.OVERDUE: queries.count_overdue(period, ids, today),
        queries.UNSIGNED: queries.count_unsigned(period, ids),
        queries.PAPER: queries.count_paper(period, ids),
        queries.UNREPORTED: queries.count_unreported(period, ids, now),
    }
    total = Row("Toàn bộ phạm vi giám sát", "", 0)
    for slug, by_agency in found.items():
        total.cells[slug] = None if by_agency is None else Cell()
    rows = []
    for agency in scope.agencies:
        row = Row(agency.name, agency.code, scope.depth[agency.pk])
        for slug, by_agency in found.items():
            if by_agency is None:
                row.cells[slug] = None
                continue
            cell = by_agency.get(agency.pk, Cell())
            row.cells[slug] = cell
            total.cells[slug].add(cell)
        rows.append(row)
    return Dashboard(period, rows, total, found[queries.OVERDUE] is not None)


# --- per official --------------------------------------------------------------------------


@dataclass
class OfficialRow:
    user: User
    late: Cell
    overdue: Cell | None
    unsigned: Cell


def build_officials(agency, period: Period, now: datetime) -> tuple[list[OfficialRow], bool]:
    """One row per official of the agency (current members, plus anybody the period's
    items name, e.g. a signer who has since left), or with something to count."""
    ids = [agency.pk]
    today = now.astimezone(VN).date()
    late = queries.count_late_registrations_by_clerk(period, ids, now)
    overdue = queries.count_overdue(period, ids, today, by="assignee_user_id")
    unsigned = queries.count_unsigned(period, ids, by="signer_id")
    members = set(
        Membership.objects.current().filter(agency=agency).values_list("user_id", flat=True)
    )
    user_ids = members | set(late) | set(unsigned) | set(overdue or {})
    users = User.objects.filter(pk__in=user_ids).order_by("full_name", "username")
    rows = [
        OfficialRow(
            user=u,
            late=late.get(u.pk, Cell()),
            overdue=None if overdue is None else overdue.get(u.pk, Cell()),
            unsigned=unsigned.get(u.pk, Cell()),
        )
        for u in users
    ]
    return rows, overdue is not None


# --- drill-down ----------------------------------------------------------------------------

TEXT, DATE, MOMENT = "text", "date", "moment"


@dataclass(frozen=True)
class ItemList:
    headers: list[tuple[str, str]]  # (label, kind)
    items: QuerySet | None  # None: the data does not exist yet (no assignments model)
    row: Callable  # item -> list of values, in header order
    link: Callable  # item -> URL of the document, or ""


def _doc_url(doc) -> str:
    return reverse("web:document_detail", kwargs={"public_id": doc.public_id}) if doc else ""


def _subject(doc) -> str:
    # Counting a secret document is fine; printing its subject to a monitor is not.
    return SECRET_SUBJECT if doc.is_secret else doc.subject


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VN).replace(tzinfo=None) if moment else None


_SIGNATURES = {
    None: "Chưa kiểm tra",
    queries.SIGNED_NONE: "Thiếu cả chữ ký cá nhân và chữ ký cơ quan",
    queries.SIGNED_PERSONAL_ONLY: "Thiếu chữ ký số cơ quan",
    queries.SIGNED_AGENCY_ONLY: "Thiếu chữ ký số cá nhân",
}


def item_list(slug: str, period: Period, agency_ids, now: datetime) -> ItemList:
    today = now.astimezone(VN).date()
    doc_head = [("Cơ quan", TEXT), ("Số, ký hiệu", TEXT), ("Trích yếu", TEXT)]
    if slug == queries.LATE_REGISTRATION:
        items = queries.late_registrations(period, agency_ids, now).select_related("agency")
        return ItemList(
            doc_head + [("Ngày đến", MOMENT), ("Hạn vào sổ", MOMENT), ("Vào sổ lúc", MOMENT)],
            items.order_by("arrived_at", "pk"),
            lambda d: [
                d.agency.name,
                d.reference,
                _subject(d),
                _local(d.arrived_at),
                _local(d.deadline),
                _local(d.registered_at) if d.registered_at else "Chưa vào sổ",
            ],
            _doc_url,
        )
    if slug == queries.OVERDUE:
        items = queries.overdue_assignments(period, agency_ids, today)
        if items is not None:
            items = items.select_related(
                "document__agency", "assignee_user", "assignee_department"
            ).order_by("due_on", "pk")
        return ItemList(
            doc_head
            + [("Người, đơn vị được giao", TEXT), ("Hạn xử lý", DATE), ("Tình trạng", TEXT)],
            items,
            lambda a: [
                a.document.agency.name,
                a.document.reference,
                _subject(a.document),
                str(a.assignee_user or a.assignee_department or ""),
                a.due_on,
                f"Hoàn thành ngày {a.completed_on:%d/%m/%Y}" if a.status == "done" else "Chưa xong",
            ],
            lambda a: _doc_url(a.document),
        )
    if slug == queries.UNSIGNED:
        items = queries.unsigned_issued(period, agency_ids).select_related("agency", "signer")
        return ItemList(
            doc_head + [("Người ký", TEXT), ("Phát hành lúc", MOMENT), ("Kết quả kiểm tra", TEXT)],
            items.order_by("issued_at", "pk"),
            lambda d: [
                d.agency.name,
                d.reference,
                _subject(d),
                d.signer_name or str(d.signer or ""),
                _local(d.issued_at),
                _SIGNATURES[d.signature_state],
            ],
            _doc_url,
        )
    if slug == queries.PAPER:
        items = queries.paper_arrivals(period, agency_ids).select_related("agency")
        return ItemList(
            doc_head + [("Cơ quan ban hành", TEXT), ("Ngày đến", MOMENT)],
            items.order_by("arrived_at", "pk"),
            lambda d: [
                d.agency.name,
                d.reference,
                _subject(d),
                d.issuer_name,
                _local(d.arrived_at),
            ],
            _doc_url,
        )
    if slug == queries.UNREPORTED:
        items = queries.unreported(period, agency_ids, now).select_related(
            "recipient", "incoming_document", "document__agency"
        )
        return ItemList(
            doc_head + [("Nơi gửi", TEXT), ("Ngày đến", MOMENT), ("Hạn báo trạng thái", MOMENT)],
            items.order_by("incoming_document__arrived_at", "pk"),
            lambda d: [
                d.recipient.name,
                d.incoming_document.reference,
                _subject(d.incoming_document),
                d.document.agency.name,
                _local(d.incoming_document.arrived_at),
                _local(d.deadline),
            ],
            lambda d: _doc_url(d.incoming_document),
        )
    raise KeyError(slug)


def display(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == DATE and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if kind == MOMENT and isinstance(value, datetime):
        return f"{value:%H:%M %d/%m/%Y}"
    return str(value)
