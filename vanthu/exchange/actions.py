"""What clerks do on the exchange page: send a package again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.errors import InvalidTransition, PermissionDenied
from vanthu.exchange.access import may_run_exchange
from vanthu.exchange.models import OutboundPackage, OutboundState


def retry_package(user, package: OutboundPackage) -> OutboundPackage:
    """Put a failed package (or one waiting for its next attempt) back in the queue, due now.
    The same stored bytes go out: the hub answers a repeat with the DocId it gave before."""
    if not may_run_exchange(user, package.agency_id):
        raise PermissionDenied("Chỉ văn thư của cơ quan hoặc quản trị hệ thống được gửi lại.")
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: a package the worker has just sent is not sent again.
        changed = OutboundPackage.objects.filter(
            pk=package.pk, state__in=(OutboundState.FAILED, OutboundState.PENDING)
        ).update(state=OutboundState.PENDING, next_attempt_at=now)
        if changed != 1:
            raise InvalidTransition("Gói tin đã được gửi lên trục; không cần gửi lại.")
        record_event(
            "exchange.package_retried",
            package,
            actor=user,
            agency=package.agency,
            before={"state": package.state, "attempts": package.attempts},
            after={"state": OutboundState.PENDING},
            note=f"{package.label} → {package.to_organ}",
        )
    package.state, package.next_attempt_at = OutboundState.PENDING, now
    return package
