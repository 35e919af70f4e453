"""record_event(): the single way any action writes history."""

from __future__ import annotations

from typing import Any

from vanthu.audit.middleware import current_request_id
from vanthu.audit.models import AuditEvent


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
