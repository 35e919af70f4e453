"""record_event(): the single way any action writes history; record_events() for batches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from vanthu.audit.middleware import current_request_id
from vanthu.audit.models import AuditEvent

# Rows per INSERT statement of record_events (SQLite allows 32,766 parameters).
BULK_BATCH = 2000


def record_event(
    action: str,
    obj: Any,
    *,
    actor=None,
    agency=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    on_behalf_of=None,
) -> AuditEvent:
    object_type = obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__
    object_id = str(getattr(obj, "public_id", None) or getattr(obj, "code", None) or obj.pk)
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        on_behalf_of=on_behalf_of,
        agency=agency,
        before=before,
        after=after,
        note=note,
        request_id=current_request_id(),
    )


def history_of(obj) -> list[AuditEvent]:
    object_id = str(getattr(obj, "public_id", None) or getattr(obj, "code", None) or obj.pk)
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=object_id)
        .select_related("actor")
        .order_by("at", "id")
    )


def record_events(
    action: str,
    model: type[Model],
    entries: Iterable[dict],
    *,
    actor=None,
) -> int:
    """Many events of one action on objects of one model, in one INSERT: what a batch job
    (the reminder sweep escalating thousands of lines) would otherwise write with thousands
    of record_event() calls. Each entry names its object as record_event() does — its
    public id, else its code, else its primary key — under "object_id", and may give
    "agency_id", "on_behalf_of_id", "before", "after" and "note"; the rows are the same as
    record_event() writes, request id included. Returns the number of events written."""
    object_type = model._meta.label_lower
    actor = actor if (actor is not None and actor.is_authenticated) else None
    request_id = current_request_id()
    rows = [
        AuditEvent(
            action=action,
            object_type=object_type,
            object_id=str(entry["object_id"]),
            actor=actor,
            on_behalf_of_id=entry.get("on_behalf_of_id"),
            agency_id=entry.get("agency_id"),
            before=entry.get("before"),
            after=entry.get("after"),
            note=entry.get("note", ""),
            request_id=request_id,
        )
        for entry in entries
    ]
    # bulk_create bypasses AuditEvent.save(), whose only guard is against updates: these
    # are new rows, appended like any other.
    AuditEvent.objects.bulk_create(rows, batch_size=BULK_BATCH)
    return len(rows)
