"""The monitoring indicators as aggregate queries: one query per indicator, grouped by agency
(or by official), so that a province of a hundred agencies and a million documents is counted
by the database, never by a Python loop over documents.

Each indicator also has the query of its items (the drill-down), built from the same
conditions, so that the list and the count cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Channel, Direction, Document, FileVersion, Status
from vanthu.exchange.models import Delivery, StatusCode
from vanthu.monitoring.period import VN, Period, local_midnight, work_calendar
from vanthu.signing.models import SignatureCheck

# Persisted in URLs and bookmarks: reviewed like schema.
LATE_REGISTRATION = "vao-so-cham"
OVERDUE = "giao-viec-qua-han"
UNSIGNED = "thieu-chu-ky"
PAPER = "ban-giay"
UNREPORTED = "chua-bao-trang-thai"
INDICATORS = (LATE_REGISTRATION, OVERDUE, UNSIGNED, PAPER, UNREPORTED)

# Signature state of an issued document's main PDF (its latest check). None: never checked.
SIGNED_BOTH, SIGNED_PERSONAL_ONLY, SIGNED_AGENCY_ONLY, SIGNED_NONE = 3, 1, 2, 0


@dataclass
class Cell:
    """One indicator for one agency or official: `count` items out of `total`."""

    count: int = 0
    total: int = 0
    unchecked: int = 0  # only for signatures: issued documents never checked

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.total if self.total else None

    def add(self, other: Cell) -> None:
        self.count += other.count
        self.total += other.total
        self.unchecked += other.unchecked


class UuidText(Func):
    """A UUID column as text in the form str(uuid) gives, the form audit events store in
    object_id. PostgreSQL prints it that way; SQLite keeps 32 hex digits, re-hyphenated here.
    The audit side stays a bare column, so its (object_type, object_id, at) index is used."""

    arity = 1
    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        joined = " || '-' || ".join(f"substr({sql}, {a}, {n})" for a, n in pieces)
        return f"lower({joined})", list(params) * len(pieces)


def registration_deadline(period: Period, field: str = "arrived_at") -> Case:
    """The moment by which an arrival within `period` had to be registered: the end of the
    next working day after its arrival day (Decree 30 Art. 22: registered the same day, at
    the latest the next working day), holidays and swapped Saturdays included.

    Arrival days sharing a deadline form runs (Friday to Sunday all end on Monday night), so
    the CASE has one branch per working day of the period; rows are already limited to the
    period, so each branch needs only its upper bound."""
    calendar = work_calendar()
    branches = []
    day = period.date_from
    while day <= period.date_to:
        deadline_day = calendar.next_working_day(day)
        run_end = min(deadline_day, period.date_to + timedelta(days=1))
        branches.append(
            When(
                **{f"{field}__lt": local_midnight(run_end)},
                then=Value(local_midnight(deadline_day + timedelta(days=1))),
            )
        )
        day = run_end
    return Case(*branches, default=Value(None), output_field=DateTimeField())


def _registered(attribute: str) -> Subquery:
    events = AuditEvent.objects.filter(
        object_type="documents.document",
        object_id=UuidText(OuterRef("public_id")),
        action="document.registered",
    ).order_by("at", "id")
    field = DateTimeField() if attribute == "at" else IntegerField()
    return Subquery(events.values(attribute)[:1], output_field=field)


# --- 1. incoming documents not registered by the next working day ---------------------------


def arrivals(period: Period, agency_ids) -> QuerySet[Document]:
    """Incoming documents that arrived within the period; refused ones were dealt with."""
    return Document.objects.filter(
        direction=Direction.INCOMING,
        agency_id__in=agency_ids,
        arrived_at__gte=period.start,
        arrived_at__lt=period.end,
    ).exclude(status=Status.REFUSED)


def _late_q(now: datetime) -> Q:
    return Q(registered_at__gte=F("deadline")) | Q(
        status=Status.ARRIVED, arrival_number__isnull=True, deadline__lte=now
    )


def late_registrations(period: Period, agency_ids, now: datetime) -> QuerySet[Document]:
    # registered_at is stored on the document when the arrival number is given (and was
    # backfilled from the audit log): comparing it in the row costs nothing, where looking
    # up the audit event of each of a month's forty thousand arrivals took most of the page.
    return (
        arrivals(period, agency_ids)
        .annotate(deadline=registration_deadline(period))
        .filter(_late_q(now))
    )


def count_late_registrations(period, agency_ids, now) -> dict[int, Cell]:
    rows = (
        arrivals(period, agency_ids)
        .annotate(deadline=registration_deadline(period))
        .values("agency_id")
        .annotate(total=Count("pk"), count=Count("pk", filter=_late_q(now)))
    )
    return {r["agency_id"]: Cell(r["count"], r["total"]) for r in rows}


def count_late_registrations_by_clerk(period, agency_ids, now) -> dict[int, Cell]:
    """Late registrations per clerk who made them (arrivals never registered have nobody)."""
    rows = (
        late_registrations(period, agency_ids, now)
        .annotate(registered_by=_registered("actor_id"))
        .filter(registered_by__isnull=False)
        .values("registered_by")
        .annotate(count=Count("pk"))
    )
    return {r["registered_by"]: Cell(r["count"], r["count"]) for r in rows}


# --- 2. overdue assignments ----------------------------------------------------------------


def assignment_model():
    """processing.Assignment, or None while the processing app has no such model: the
    dashboard then says "chưa có dữ liệu" instead of failing."""
    try:
        return apps.get_model("processing", "Assignment")
    except LookupError:
        return None


def assignment_agency(model) -> str:
    """The agency of an assignment: the contract guarantees document.agency; the model's own
    copy of it (indexed with status and due date), when there is one, saves the join."""
    names = {f.name for f in model._meta.concrete_fields}
    return "agency_id" if "agency" in names else "document__agency_id"


def assignments(period: Period, agency_ids):
    """Assignments due within the period that somebody had to act on ("nhận để biết" lines
    carry no work, cancelled ones none any more)."""
    model = assignment_model()
    if model is None:
        return None
    return (
        model.objects.filter(
            **{f"{assignment_agency(model)}__in": agency_ids},
            due_on__gte=period.date_from,
            due_on__lte=period.date_to,
        )
        .exclude(status="cancelled")
        .exclude(role="info")
        .annotate(completed_on=TruncDate("completed_at", tzinfo=VN))
    )


def _overdue_q(today) -> Q:
    return Q(status__in=("open", "in_progress"), due_on__lt=today) | Q(
        status="done", completed_on__gt=F("due_on")
    )


def overdue_assignments(period, agency_ids, today):
    base = assignments(period, agency_ids)
    return None if base is None else base.filter(_overdue_q(today))


def count_overdue(period, agency_ids, today, by: str = "agency"):
    """Overdue assignments per agency (by="agency") or per other column, e.g. the assignee."""
    base = assignments(period, agency_ids)
    if base is None:
        return None
    if by == "agency":
        by = assignment_agency(base.model)
    else:
        base = base.filter(**{f"{by}__isnull": False})
    rows = base.values(by).annotate(total=Count("pk"), count=Count("pk", filter=_overdue_q(today)))
    return {r[by]: Cell(r["count"], r["total"]) for r in rows}


# --- 3. outgoing documents issued without both digital signatures --------------------------


def _signature_state() -> Subquery:
    main = (
        FileVersion.objects.filter(document=OuterRef(OuterRef("pk")), kind=FileVersion.Kind.MAIN)
        .order_by("-version", "-id")
        .values("pk")[:1]
    )
    latest = (
        SignatureCheck.objects.filter(file_version_id=Subquery(main))
        .order_by("-checked_at", "-id")
        .annotate(
            state=Case(
                When(
                    Q(report__has_personal=True) & Q(report__has_agency=True),
                    then=Value(SIGNED_BOTH),
                ),
                When(report__has_personal=True, then=Value(SIGNED_PERSONAL_ONLY)),
                When(report__has_agency=True, then=Value(SIGNED_AGENCY_ONLY)),
                default=Value(SIGNED_NONE),
                output_field=IntegerField(),
            )
        )
        .values("state")[:1]
    )
    return Subquery(latest, output_field=IntegerField())


def issued(period: Period, agency_ids) -> QuerySet[Document]:
    return Document.objects.filter(
        direction=Direction.OUTGOING,
        status=Status.ISSUED,
        agency_id__in=agency_ids,
        issued_at__gte=period.start,
        issued_at__lt=period.end,
    ).annotate(signature_state=_signature_state())


_MISSING = Q(signature_state__isnull=False) & ~Q(signature_state=SIGNED_BOTH)
_UNCHECKED = Q(signature_state__isnull=True)


def unsigned_issued(period, agency_ids) -> QuerySet[Document]:
    return issued(period, agency_ids).filter(_MISSING | _UNCHECKED)


def count_unsigned(period, agency_ids, by: str = "agency_id") -> dict[int, Cell]:
    """Grouped by (agency, signature state): each row's nested subquery then runs once, not
    once per FILTER clause; the few groups (agencies × 5 states) are folded here."""
    base = issued(period, agency_ids)
    if by != "agency_id":
        base = base.filter(**{f"{by}__isnull": False})
    rows = base.values(by, "signature_state").annotate(n=Count("pk")).order_by()
    cells: dict[int, Cell] = {}
    for r in rows:
        cell = cells.setdefault(r[by], Cell())
        cell.total += r["n"]
        if r["signature_state"] is None:
            cell.unchecked += r["n"]
        elif r["signature_state"] != SIGNED_BOTH:
            cell.count += r["n"]
    return cells


# --- 4. paper versus electronic ------------------------------------------------------------


def paper_arrivals(period, agency_ids) -> QuerySet[Document]:
    return arrivals(period, agency_ids).filter(channel=Channel.PAPER)


def count_paper(period, agency_ids) -> dict[int, Cell]:
    rows = (
        arrivals(period, agency_ids)
        .values("agency_id")
        .annotate(total=Count("pk"), count=Count("pk", filter=Q(channel=Channel.PAPER)))
    )
    return {r["agency_id"]: Cell(r["count"], r["total"]) for r in rows}


# --- 5. statuses not reported back to the sender -------------------------------------------


def deliveries_arrived(period: Period, agency_ids) -> QuerySet[Delivery]:
    """Deliveries whose copy arrived within the period, with the recipient's deadline for
    answering 03 (accepted) or 02 (refused): the same as for registering the arrival."""
    return Delivery.objects.filter(
        recipient_id__in=agency_ids,
        incoming_document__arrived_at__gte=period.start,
        incoming_document__arrived_at__lt=period.end,
    ).annotate(deadline=registration_deadline(period, "incoming_document__arrived_at"))


def _unreported_q(now: datetime) -> Q:
    # Still "01 đã đến" after the next working day: whatever the recipient did (registered,
    # assigned, finished), the sender was never told.
    return Q(status=StatusCode.ARRIVED, deadline__lte=now)


def unreported(period, agency_ids, now) -> QuerySet[Delivery]:
    return deliveries_arrived(period, agency_ids).filter(_unreported_q(now))


def count_unreported(period, agency_ids, now) -> dict[int, Cell]:
    rows = (
        deliveries_arrived(period, agency_ids)
        .values("recipient_id")
        .annotate(total=Count("pk"), count=Count("pk", filter=_unreported_q(now)))
    )
    return {r["recipient_id"]: Cell(r["count"], r["total"]) for r in rows}
