"""The outbox worker: send the due messages, retry failures with exponential back-off, and
mark a message failed (visible on /thong-bao/quan-tri/) once its attempts are spent.

Several senders may run at once (one per server). A message is claimed with a
compare-and-set that pushes its next attempt a lease into the future, so two senders never
take the same row, no database lock is held during network I/O, and a sender that dies
mid-way only delays the message by the lease (delivery is at-least-once; the e-mail carries a
stable Message-ID so a duplicate can be recognised).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.notifications import conf, transports
from vanthu.notifications.models import Channel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed try: base, 2×base, 4×base, … capped."""
    return min(conf.retry_base() * (2 ** max(attempts - 1, 0)), conf.MAX_BACKOFF)


def _claim(pk: int, due: datetime, now: datetime) -> bool:
    return (
        OutboxMessage.objects.filter(
            pk=pk, status=OutboxStatus.PENDING, next_attempt_at=due
        ).update(next_attempt_at=now + conf.CLAIM_LEASE, attempts=F("attempts") + 1)
        == 1
    )


def _record_success(message: OutboxMessage, now: datetime) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, sent_at=now, last_error=""
    )


def _record_failure(message: OutboxMessage, error: transports.DeliveryError, now) -> bool:
    """True when the message is now failed for good."""
    give_up = error.permanent or message.attempts >= conf.max_attempts()
    with transaction.atomic():
        if give_up:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.FAILED, last_error=error.message
            )
            record_event(
                "notifications.delivery_failed",
                message,
                after={"attempts": message.attempts, "error": error.message},
                note=f"{message.get_channel_display()} → {message.address}",
            )
        else:
            OutboxMessage.objects.filter(pk=message.pk).update(
                next_attempt_at=now + backoff(message.attempts), last_error=error.message
            )
    return give_up


def send_due(now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send up to `limit` pending messages whose next attempt is due at `now`."""
    now = now or timezone.now()
    report = SendReport()
    candidates = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    claimed = [pk for pk, due in candidates if _claim(pk, due, now)]
    if not claimed:
        return report
    connection = gateway = None
    try:
        for message in OutboxMessage.objects.filter(pk__in=claimed).order_by("pk"):
            try:
                if message.channel == Channel.EMAIL:
                    connection = connection or transports.email_connection()
                    transports.send_email(message, connection)
                else:
                    gateway = gateway or transports.sms_gateway()
                    transports.send_sms(message, gateway)
            except Exception as exc:  # noqa: BLE001 - see below
                # The worker boundary: an unexpected error on one message must count as a
                # failed attempt (so it ends visible as failed), not stop the batch.
                if not isinstance(exc, transports.DeliveryError):
                    log.exception("delivery %s crashed", message.public_id)
                    exc = transports.DeliveryError(f"Lỗi không lường trước: {exc!r}")
                log.warning("delivery %s failed: %s", message.public_id, exc.message)
                if _record_failure(message, exc, now):
                    report.failed += 1
                else:
                    report.retrying += 1
            else:
                _record_success(message, now)
                report.sent += 1
    finally:
        if connection is not None:
            connection.close()
    return report
