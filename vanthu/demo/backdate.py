"""Spread what the seed's real actions did "now" over the planned past, keeping Decree 30's
yearly numbering true.

The seed runs every action at the real time, each inside `Ledger.at(planned_moment)`. The
ledger notes which rows each action created (by primary-key range, one query per action);
`finish()` then moves those rows to the planned moment, derives the dependent dates, and
renumbers every series in date order: the actions numbered everything in the current year
in the order they ran, but a document planned for December of last year belongs to last
year's series, and each year's numbers must start at 01 without gaps (Art. 15, Art. 22.2).
The audit snapshots that mention a number are rewritten to match, so history and registers
agree.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from vanthu.audit.models import AuditEvent
from vanthu.documents.models import (
    Direction,
    Document,
    FileVersion,
    Forward,
    NumberCounter,
    ReviewComment,
)
from vanthu.documents.numbering import INCOMING_SERIES, format_number, outgoing_notation
from vanthu.documents.search import search_text_for
from vanthu.exchange.models import Delivery, DeliveryEvent

# Rows whose creation time is the time of the action that created them.
TRACKED = (
    (Document, ("created_at", "updated_at")),
    (FileVersion, ("created_at",)),
    (AuditEvent, ("at",)),
    (Delivery, ("created_at", "updated_at")),
    (DeliveryEvent, ("at",)),
    (Forward, ("at",)),
    (ReviewComment, ("at",)),
)


class Ledger:
    def __init__(self) -> None:
        self.first = self._max_ids()
        self.last = self.first
        self.ends: list[tuple[int, ...]] = []  # max ids after each action
        self.moments: list[datetime] = []

    @staticmethod
    def _max_ids() -> tuple[int, ...]:
        q = connection.ops.quote_name
        # Table names come from the models, never from input.
        tables = [q(model._meta.db_table) for model, _ in TRACKED]
        parts = ", ".join(f"(SELECT MAX(id) FROM {t})" for t in tables)  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {parts}")
            return tuple(v or 0 for v in cursor.fetchone())

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        yield
        now = self._max_ids()
        if now != self.last:
            self.ends.append(now)
            self.moments.append(moment)
        self.last = now

    def moment_of(self, table: int, pk: int) -> datetime | None:
        """The planned moment of the action that created row `pk` of TRACKED[table]: the
        first action after which the table's max id reached `pk`."""
        if pk <= self.first[table]:
            return None
        column = [end[table] for end in self.ends]
        i = bisect.bisect_left(column, pk)
        return self.moments[i] if i < len(column) else None

    def apply(self) -> None:
        """Move the rows of every tracked table but Document (finish() rewrites those)."""
        for i, (model, fields) in enumerate(TRACKED):
            if model is Document:
                continue
            rows = []
            for pk in model.objects.filter(pk__gt=self.first[i]).values_list("pk", flat=True):
                moment = self.moment_of(i, pk)
                if moment is not None:
                    rows.append((pk, *[moment] * len(fields)))
            update_rows(model, fields, rows)


def update_rows(model, fields, rows: list[tuple]) -> None:
    """UPDATE one row per (pk, *values) tuple with executemany. bulk_update() builds one CASE
    per field over the whole batch, which costs seconds at a few thousand rows."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(f) for f in fields]
    q = connection.ops.quote_name
    assignments = ", ".join(f"{q(c.column)} = %s" for c in columns)
    sql = f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {q(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [c.get_db_prep_save(v, connection) for c, v in zip(columns, values, strict=True)] + [pk]
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def finish(ledger: Ledger, agency_ids: set[int], due_dates: dict[int, date | None]) -> None:
    """Backdate, renumber and rebuild the derived fields. `due_dates` maps outgoing document
    ids to their planned deadline (actions refuse a deadline in the past)."""
    ledger.apply()
    events = _document_events()
    docs = {
        d.pk: d
        for d in Document.objects.filter(agency_id__in=agency_ids).select_related(
            "agency", "doc_type", "drafting_department"
        )
    }
    for doc in docs.values():
        moment = ledger.moment_of(0, doc.pk)
        if moment is not None:
            doc.created_at = doc.updated_at = moment
    by_public = {str(d.public_id): d for d in docs.values()}
    registered_at: dict[int, datetime] = {}
    for object_id, action, at in events:
        doc = by_public.get(object_id)
        if doc is None:
            continue
        doc.updated_at = max(doc.updated_at, at)
        if action == "document.issued":
            doc.issued_at = at
            doc.issued_on = timezone.localdate(at)
            doc.year = doc.issued_on.year
        elif action == "document.registered":
            registered_at[doc.pk] = at
            doc.year = timezone.localdate(at).year
    for doc in docs.values():
        if doc.direction == Direction.INCOMING:
            doc.arrived_at = doc.created_at
        elif doc.pk in due_dates:
            doc.due_on = due_dates[doc.pk]
    _renumber_outgoing(docs)
    _copy_to_deliveries(docs)
    _renumber_arrivals(docs, registered_at)
    fields = ["created_at", "updated_at", "issued_at", "issued_on", "year", "arrived_at"]
    fields += ["due_on", "number", "number_text", "notation", "arrival_number", "search_text"]
    fields += ["registered_at"]
    rows = []
    for doc in docs.values():
        doc.search_text = search_text_for(doc)
        if doc.pk in registered_at:
            # Monitoring compares this with the arrival: it moves with the backdated audit.
            doc.registered_at = registered_at[doc.pk]
        rows.append((doc.pk, *[getattr(doc, f) for f in fields]))
    update_rows(Document, fields, rows)
    _rewrite_audit_snapshots(by_public)
    _rebuild_counters(docs.values(), agency_ids)
    _derive_read_and_delivery_times(events, by_public)


def _document_events() -> list[tuple[str, str, datetime]]:
    return list(
        AuditEvent.objects.filter(object_type="documents.document")
        .order_by("at", "id")
        .values_list("object_id", "action", "at")
    )


def _renumber_outgoing(docs: dict[int, Document]) -> None:
    series: dict[tuple, list[Document]] = defaultdict(list)
    for doc in docs.values():
        if doc.direction == Direction.OUTGOING and doc.number is not None:
            series[(doc.agency_id, doc.year, doc.series)].append(doc)
    # Free the numbers first: the unique constraint covers only numbered rows, so no
    # intermediate state of the rewrite can collide.
    Document.objects.filter(pk__in=[d.pk for s in series.values() for d in s]).update(number=None)
    for members in series.values():
        members.sort(key=lambda d: (d.issued_at, d.pk))
        for number, doc in enumerate(members, start=1):
            doc.number = number
            doc.number_text = format_number(number)
            # Rebuilt because it may carry the year (normative documents: 15/2026/QĐ-UBND).
            doc.notation = outgoing_notation(doc)


def _copy_to_deliveries(docs: dict[int, Document]) -> None:
    """Received copies carry the sender's number, date and deadline."""
    for source_id, copy_id in Delivery.objects.filter(
        document_id__in=docs, incoming_document__isnull=False
    ).values_list("document_id", "incoming_document_id"):
        source, copy = docs[source_id], docs.get(copy_id)
        if copy is None:
            continue
        copy.number_text = source.number_text
        copy.notation = source.notation
        copy.issued_on = source.issued_on
        copy.due_on = source.due_on


def _renumber_arrivals(docs: dict[int, Document], registered_at: dict[int, datetime]) -> None:
    books: dict[tuple, list[Document]] = defaultdict(list)
    for doc in docs.values():
        if doc.direction == Direction.INCOMING and doc.arrival_number is not None:
            books[(doc.agency_id, doc.year)].append(doc)
    Document.objects.filter(pk__in=[d.pk for b in books.values() for d in b]).update(
        arrival_number=None
    )
    for members in books.values():
        # Số đến follows the order of registration (Art. 22.2).
        members.sort(key=lambda d: (registered_at.get(d.pk, d.created_at), d.pk))
        for number, doc in enumerate(members, start=1):
            doc.arrival_number = number


def _rewrite_audit_snapshots(by_public: dict[str, Document]) -> None:
    changed = []
    for event in AuditEvent.objects.filter(
        object_type="documents.document", object_id__in=by_public
    ).iterator(chunk_size=2000):
        doc = by_public[event.object_id]
        dirty = False
        for snap in (event.before, event.after):
            if not snap:
                continue
            if snap.get("reference") and snap["reference"] != doc.reference:
                snap["reference"] = doc.reference
                dirty = True
            if snap.get("arrival_number") and snap["arrival_number"] != doc.arrival_number:
                snap["arrival_number"] = doc.arrival_number
                dirty = True
        note = event.note
        if event.action == "document.issued":
            note = f"Số {doc.reference}"
        elif event.action == "document.registered" and doc.arrival_number:
            note = f"Số đến {doc.arrival_number:02d}"
        if note != event.note:
            event.note = note
            dirty = True
        if dirty:
            changed.append(event)
    # Written with UPDATE, not save(): the append-only guard is about the application
    # changing history, and this is the history's own first writing.
    update_rows(
        AuditEvent,
        ["before", "after", "note"],
        [(e.pk, e.before, e.after, e.note) for e in changed],
    )


def _rebuild_counters(docs, agency_ids: set[int]) -> None:
    last: dict[tuple, int] = {}
    for doc in docs:
        if doc.direction == Direction.OUTGOING and doc.number is not None:
            key = (doc.agency_id, doc.year, doc.series)
            last[key] = max(last.get(key, 0), doc.number)
        elif doc.arrival_number is not None:
            key = (doc.agency_id, doc.year, INCOMING_SERIES)
            last[key] = max(last.get(key, 0), doc.arrival_number)
    NumberCounter.objects.filter(agency_id__in=agency_ids).delete()
    NumberCounter.objects.bulk_create(
        NumberCounter(agency_id=a, year=y, series=s, last_value=v)
        for (a, y, s), v in sorted(last.items())
    )


def _derive_read_and_delivery_times(events, by_public: dict[str, Document]) -> None:
    read_at = {
        by_public[oid].pk: at
        for oid, action, at in events
        if action == "document.read" and oid in by_public
    }
    forwards = Forward.objects.filter(document_id__in=read_at, read_at__isnull=False)
    update_rows(
        Forward,
        ["read_at"],
        [(pk, read_at[doc]) for pk, doc in forwards.values_list("pk", "document_id")],
    )
    deliveries = Delivery.objects.filter(
        document_id__in=[d.pk for d in by_public.values()]
    ).annotate(last_event=Max("events__at"))
    update_rows(
        Delivery,
        ["updated_at"],
        [
            (pk, last or created)
            for pk, last, created in deliveries.values_list("pk", "last_event", "created_at")
        ],
    )
