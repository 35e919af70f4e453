"""The registers of Decree 30/2020 Appendix IV as read-only queries (STANDARDS 3.8).

Each register function takes (user, agency, date_from, date_to) and returns RegisterRows:
a lazy, countable, sliceable sequence of tuples holding exactly the Appendix IV columns in
their legal order. It is lazy so that the preview fetches one page and the exports walk the
period in chunks; every chunk costs the same few queries whatever its size, because the
related rows come from select_related/prefetch_related and never from one query per row.

Columns the system cannot know (a handwritten "Ký nhận", the number of envelopes, the
dossier of an archive copy) are left blank, as on a printed register waiting for a pen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import batched
from zoneinfo import ZoneInfo

from django.db import NotSupportedError
from django.db.models import Exists, Func, OuterRef, Prefetch, QuerySet, UUIDField
from django.utils import timezone

from vanthu.audit.models import AuditEvent
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import (
    Direction,
    Document,
    Forward,
    Secrecy,
    Status,
    Urgency,
)
from vanthu.errors import PermissionDenied

# Registers are kept in Vietnam's civil time whatever the server's zone: a document that
# arrives at 00:30 on 1 April belongs to April's register.
VN = ZoneInfo("Asia/Ho_Chi_Minh")
READER_ROLES = (Role.CLERK, Role.AGENCY_LEADER)
CHUNK = 2000
# Only what the rows show: building 40-column model instances, search_text included, was
# most of the time of a month's export. A field missing here would cost a query per row;
# test_queries_do_not_grow_with_rows catches that.
_FIELDS = (
    "public_id",
    "number_text",
    "notation",
    "subject",
    "issued_on",
    "issued_at",
    "issuer_name",
    "signer_name",
    "recipients_text",
    "archive_keeper",
    "issued_amount",
    "description",
    "secrecy",
    "urgency",
    "status",
    "arrival_number",
    "arrived_at",
    "due_on",
    "doc_type__name",
)


class RegisterRows:
    """Rows of one register, built from `queryset` by `build` one batch at a time. It has
    what Paginator needs (count() and slicing), so the preview pages without loading it all."""

    def __init__(self, queryset: QuerySet, build: Callable[[list], list[tuple]]):
        self._queryset = queryset
        self._build = build

    def count(self) -> int:
        # No __len__ on purpose: list(rows) asks len() for a size hint, which would cost a
        # COUNT(*) over the period before every export.
        return self._queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(list(self._queryset[index]))
        return self._build([self._queryset[index]])[0]

    def __iter__(self) -> Iterator[tuple]:
        # iterator(chunk_size) keeps memory flat on a large period and still runs the
        # prefetches once per chunk.
        for chunk in batched(self._queryset.iterator(chunk_size=CHUNK), CHUNK):
            yield from self._build(list(chunk))


def reader_agencies(user) -> QuerySet[Agency]:
    """Agencies whose registers this user may read: the clerks keep them, leaders oversee."""
    return Agency.objects.filter(pk__in=roles_of(user).agencies_with(*READER_ROLES))


def _require_reader(user, agency: Agency) -> None:
    if not roles_of(user).has(agency.pk, *READER_ROLES):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan mới được xem sổ văn bản.")


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    # A half-open range on the raw column, not arrived_at__date: wrapping the column in a
    # date function would keep PostgreSQL from using the (agency, direction, arrived_at) index.
    start = datetime.combine(date_from, time.min, tzinfo=VN)
    return start, datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=VN)


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, VN).date() if moment else None


def _type_and_subject(doc: Document) -> str:
    return f"{doc.doc_type.name}: {doc.subject}"


def _note(doc: Document) -> str:
    marks = []
    if doc.secrecy != Secrecy.NORMAL:
        marks.append(doc.get_secrecy_display())
    if doc.urgency != Urgency.NORMAL:
        marks.append(doc.get_urgency_display())
    return "; ".join([*marks, doc.description] if doc.description else marks)


def _documents(user, agency: Agency) -> QuerySet[Document]:
    # Visibility first (STYLE rule 5): a secret document reaches a register only for the
    # people named on it, even when they keep the register.
    return documents_visible_to(user).filter(agency=agency).only(*_FIELDS)


def _issued_outgoing(user, agency: Agency, date_from: date, date_to: date) -> QuerySet[Document]:
    _require_reader(user, agency)
    return (
        _documents(user, agency)
        .filter(direction=Direction.OUTGOING, status=Status.ISSUED)
        .filter(issued_on__gte=date_from, issued_on__lte=date_to)
        .select_related("doc_type", "drafting_department")
        .only(*_FIELDS, "drafting_department__name")
        .order_by("issued_on", "issued_at", "id")
    )


def _registered_incoming(
    user, agency: Agency, date_from: date, date_to: date
) -> QuerySet[Document]:
    _require_reader(user, agency)
    start, end = _bounds(date_from, date_to)
    forwards = (
        Forward.objects.select_related("to_user", "to_department")
        .only("document_id", "at", "to_user__full_name", "to_department__name")
        .order_by("at", "id")
    )
    return (
        _documents(user, agency)
        .filter(direction=Direction.INCOMING, arrival_number__isnull=False)
        .filter(arrived_at__gte=start, arrived_at__lt=end)
        .select_related("doc_type")
        # to_attr gives a plain list: the related manager doc.forwards would otherwise be
        # built afresh on every access, which showed up as the top cost in profiles.
        .prefetch_related(Prefetch("forwards", queryset=forwards, to_attr="register_forwards"))
        # Số đến restarts every 1 January (Art. 22.2): sort by year first.
        .order_by("year", "arrival_number")
    )


def _receivers(doc: Document) -> str:
    names = [
        f.to_department.name if f.to_department_id else f.to_user.full_name
        for f in doc.register_forwards
    ]
    return "; ".join(dict.fromkeys(names))


def _first_forward_date(doc: Document) -> date | None:
    forwards = doc.register_forwards
    return _local_date(forwards[0].at) if forwards else None


def _rows(make_row: Callable[[Document], tuple]) -> Callable[[list], list[tuple]]:
    return lambda objects: [make_row(obj) for obj in objects]


# -- Sổ đăng ký văn bản đi ---------------------------------------------------------------


def _outgoing_row(doc: Document) -> tuple:
    electronic = [a.name for a in doc.register_recipients]
    recipients = "; ".join(
        [*electronic, doc.recipients_text] if doc.recipients_text else electronic
    )
    # The original stays with the clerk and a copy with the drafting unit (Decree 30 Art. 19), so the
    # drafting unit stands in when nobody recorded a keeper.
    keeper = doc.archive_keeper or (
        doc.drafting_department.name if doc.drafting_department_id else ""
    )
    return (
        doc.reference,
        doc.issued_on,
        _type_and_subject(doc),
        doc.signer_name,
        recipients,
        keeper,
        doc.issued_amount,
        _local_date(doc.issued_at),
        "",
        _note(doc),
    )


def outgoing_register(user, agency: Agency, date_from: date, date_to: date) -> RegisterRows:
    agencies = Prefetch(
        "recipient_agencies", queryset=Agency.objects.only("name"), to_attr="register_recipients"
    )
    queryset = _issued_outgoing(user, agency, date_from, date_to).prefetch_related(agencies)
    return RegisterRows(queryset, _rows(_outgoing_row))


# -- Sổ đăng ký văn bản đến --------------------------------------------------------------


def _incoming_row(doc: Document) -> tuple:
    return (
        _local_date(doc.arrived_at),
        doc.arrival_number,
        doc.issuer_name,
        doc.reference,
        doc.issued_on,
        _type_and_subject(doc),
        _receivers(doc),
        _first_forward_date(doc),
        "",
        _note(doc),
    )


def incoming_register(user, agency: Agency, date_from: date, date_to: date) -> RegisterRows:
    return RegisterRows(
        _registered_incoming(user, agency, date_from, date_to), _rows(_incoming_row)
    )


# -- Sổ gửi văn bản đi bưu điện ----------------------------------------------------------


def _postal_row(doc: Document) -> tuple:
    return (_local_date(doc.issued_at), doc.reference, doc.recipients_text, None, "", _note(doc))


def postal_register(user, agency: Agency, date_from: date, date_to: date) -> RegisterRows:
    # Electronic recipients get the document through the exchange; only the free-text
    # "Nơi nhận" lists addressees served on paper, hence by post.
    queryset = _issued_outgoing(user, agency, date_from, date_to).exclude(recipients_text="")
    return RegisterRows(queryset, _rows(_postal_row))


# -- Sổ sử dụng bản lưu ------------------------------------------------------------------


class AsUUID(Func):
    """AuditEvent.object_id (text: str(public_id), with dashes) as a value comparable with a
    UUIDField. Converting the event side keeps the unique index on Document.public_id usable.
    PostgreSQL stores uuid natively; SQLite stores UUIDField as 32 hex digits, no dashes."""

    arity = 1
    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"AsUUID is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)::uuid", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "REPLACE(%(expressions)s, '-', '')"
        return super().as_sql(compiler, connection, template=template, **extra)


def archive_use_register(user, agency: Agency, date_from: date, date_to: date) -> RegisterRows:
    """There is no model yet for lending archive copies (who asked, who allowed, when it came
    back). Until there is, each "document.read" audit event on an issued outgoing document
    of the agency is one use of its archive copy: date, user and document are filled in, and
    the lending columns stay blank. The period is the date of use."""
    _require_reader(user, agency)
    start, end = _bounds(date_from, date_to)
    documents = (
        _documents(user, agency)
        .filter(direction=Direction.OUTGOING, status=Status.ISSUED)
        .select_related("doc_type")
    )
    events = (
        # record_event() files document events under the document's agency, so the agency
        # filter narrows the scan without losing any use; Exists applies visibility.
        AuditEvent.objects.filter(action="document.read", object_type="documents.document")
        .filter(agency=agency, at__gte=start, at__lt=end)
        .filter(Exists(documents.filter(public_id=AsUUID(OuterRef("object_id")))))
        .select_related("actor")
        .order_by("at", "id")
    )

    def build(batch: list[AuditEvent]) -> list[tuple]:
        by_id = {
            str(d.public_id): d
            for d in documents.filter(public_id__in={e.object_id for e in batch})
        }
        return [_usage_row(event, by_id[event.object_id]) for event in batch]

    return RegisterRows(events, build)


def _usage_row(event: AuditEvent, doc: Document) -> tuple:
    issued = f", ngày {doc.issued_on:%d/%m/%Y}" if doc.issued_on else ""
    actor = str(event.actor) if event.actor else ""
    return (
        _local_date(event.at),
        actor,
        f"{doc.reference}{issued}",
        _type_and_subject(doc),
        "",
        "",
        None,
        "",
        "Xem bản điện tử trên hệ thống",
    )


# -- Sổ theo dõi giải quyết văn bản đến --------------------------------------------------


def _handling_row(doc: Document) -> tuple:
    issued = f", ngày {doc.issued_on:%d/%m/%Y}" if doc.issued_on else ""
    return (
        doc.arrival_number,
        f"{doc.doc_type.name} số {doc.reference}{issued} của {doc.issuer_name}",
        _receivers(doc),
        doc.due_on,
        doc.get_status_display(),
        "",  # the reply's number: replies are not linked to incoming documents yet
        _note(doc),
    )


def handling_register(user, agency: Agency, date_from: date, date_to: date) -> RegisterRows:
    return RegisterRows(
        _registered_incoming(user, agency, date_from, date_to), _rows(_handling_row)
    )
