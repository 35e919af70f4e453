"""record_events(): many events in one INSERT, each row as record_event() writes it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.processing.helpers import registered_at_ubnd
from vanthu.audit.events import record_event, record_events
from vanthu.audit.middleware import _request_id
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document

pytestmark = pytest.mark.django_db

FIELDS = (
    "action",
    "object_type",
    "object_id",
    "actor_id",
    "on_behalf_of_id",
    "agency_id",
    "before",
    "after",
    "note",
    "request_id",
)


def _row(event: AuditEvent) -> tuple:
    return tuple(getattr(event, name) for name in FIELDS)


def test_each_row_is_the_one_record_event_writes(world):
    docs = [registered_at_ubnd(world) for _ in range(3)]
    token = _request_id.set("req-123")
    try:
        single = [
            record_event(
                "processing.escalated",
                doc,
                actor=world.leader_ubnd,
                agency=doc.agency,
                on_behalf_of=world.deputy_ubnd,
                before={"status": "open"},
                after={"status": "late"},
                note=f"Quá hạn {i}",
            )
            for i, doc in enumerate(docs)
        ]
        written = record_events(
            "processing.escalated",
            Document,
            [
                {
                    "object_id": doc.public_id,
                    "agency_id": doc.agency_id,
                    "on_behalf_of_id": world.deputy_ubnd.pk,
                    "before": {"status": "open"},
                    "after": {"status": "late"},
                    "note": f"Quá hạn {i}",
                }
                for i, doc in enumerate(docs)
            ],
            actor=world.leader_ubnd,
        )
    finally:
        _request_id.reset(token)
    assert written == 3
    batch = list(AuditEvent.objects.filter(pk__gt=single[-1].pk).order_by("pk"))
    assert [_row(e) for e in batch] == [_row(e) for e in single]
    assert all(e.at is not None for e in batch)


def test_one_statement_for_many_events_and_none_for_none(world):
    doc = registered_at_ubnd(world)
    entries = [{"object_id": doc.public_id, "note": str(i)} for i in range(500)]
    with CaptureQueriesContext(connection) as queries:
        assert record_events("processing.escalated", Document, entries) == 500
    assert sum("INSERT" in q["sql"] for q in queries) == 1
    event = AuditEvent.objects.filter(note="499").get()
    assert (event.actor_id, event.agency_id, event.note, event.request_id) == (
        None,
        None,
        "499",
        "",
    )
    with CaptureQueriesContext(connection) as queries:
        assert record_events("processing.escalated", Document, []) == 0
    assert len(queries) == 0


def test_events_written_in_bulk_stay_append_only(world):
    doc = registered_at_ubnd(world)
    record_events("processing.escalated", Document, [{"object_id": doc.public_id}])
    event = AuditEvent.objects.get(action="processing.escalated")
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
