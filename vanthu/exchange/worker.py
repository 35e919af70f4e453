"""The exchange worker: send the outbox to the hub, fetch what the hub holds for us.

One round (`run_once`):
1. claim the due packages — `select_for_update(skip_locked=True)` on PostgreSQL, the
   IMMEDIATE write lock on SQLite — by pushing their next attempt a lease ahead, so two
   workers never send the same row and no lock is held while talking to the hub;
2. send each, in order per delivery (sender side) and per incoming document (receiver
   side): a status never overtakes the package before it; a hub that cannot be reached
   or answers a system error means retry with exponential back-off, any other refusal
   means failed, shown to the clerks on /lien-thong/ with its reason;
3. list the documents and the status messages waiting at the hub, fetch and process each
   in its own transaction (`inbound.receive`), then acknowledge it: "done", or "fail"
   when it could not be taken (recorded with the reason).

Retries send the very bytes stored at enqueue time, and the hub's sendEdoc is idempotent on
them: a retry after a lost answer gets the same DocId instead of a second delivery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.exchange import conf, inbound, outbox
from vanthu.exchange.hub import hub_client
from vanthu.exchange.models import InboundPackage, OutboundPackage, OutboundState
from vanthu.vxp import VxpClient, VxpError, VxpUnavailable

log = logging.getLogger(__name__)


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    received: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.received or self.refused)

    def __str__(self) -> str:
        text = (
            f"Đã gửi {self.sent}, sẽ thử lại {self.retrying}, gửi không thành công {self.failed}; "
            f"đã nhận {self.received}, từ chối {self.refused}."
        )
        return text + "".join(f"\nLỗi: {e}" for e in self.errors)


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed try: base, 2×base, 4×base…, capped."""
    return min(conf.retry_base() * (2 ** max(attempts - 1, 0)), conf.max_backoff())


def run_once(client: VxpClient | None = None, *, now: datetime | None = None) -> Report:
    """One round: send what is due, then receive. `client` defaults to the configured hub."""
    own = client is None
    client = client or hub_client()
    report = Report()
    try:
        send_due(client, report, now=now)
        poll(client, report)
    finally:
        if own:
            client.close()
    return report


# --- sending -----------------------------------------------------------------------------


def _claim(now: datetime, limit: int) -> list[int]:
    # Order per delivery (our edoc before its 13) and per incoming document (01 before 03
    # before 04…): a package waits while an earlier one of the same key waits for a later
    # attempt (or is in another worker's hands); earlier ones due now come in this batch,
    # before it (oldest first).
    waiting = OutboundPackage.objects.filter(
        state=OutboundState.PENDING, pk__lt=OuterRef("pk"), next_attempt_at__gt=now
    ).filter(Q(delivery_id=OuterRef("delivery_id")) | Q(document_id=OuterRef("document_id")))
    with transaction.atomic():
        due = (
            OutboundPackage.objects.filter(state=OutboundState.PENDING, next_attempt_at__lte=now)
            .exclude(Exists(waiting))
            .order_by("pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.values_list("pk", flat=True)[:limit])
        OutboundPackage.objects.filter(pk__in=claimed).update(
            next_attempt_at=now + conf.CLAIM_LEASE, attempts=F("attempts") + 1
        )
    return claimed


def _keys(package: OutboundPackage) -> set[tuple[str, int]]:
    keys = set()
    if package.delivery_id:
        keys.add(("delivery", package.delivery_id))
    if package.document_id:
        keys.add(("document", package.document_id))
    return keys


def send_due(
    client: VxpClient, report: Report, *, now: datetime | None = None, limit: int = conf.BATCH
) -> None:
    now = now or timezone.now()
    claimed = _claim(now, limit)
    down: str | None = None
    held: set[tuple[str, int]] = set()  # keys whose earlier package did not go out
    rows = OutboundPackage.objects.filter(pk__in=claimed).select_related("agency").order_by("pk")
    for package in rows:
        if down is not None or _keys(package) & held:
            # The hub is down (the rest would fail the same way), or an earlier package of
            # the same document did not go: put it back without counting an attempt.
            _retry(package, down or package.last_error, now, counted=False, soon=down is None)
            report.retrying += 1
            continue
        try:
            data = outbox.read_payload(package.payload_name)
            doc_id = client.send_edoc(
                data,
                from_organ=package.agency.code,
                messagetype=package.kind,
                to=[package.to_organ],
            )
        except VxpUnavailable as exc:
            down = f"Không kết nối được trục liên thông: {exc}"
            _retry(package, down, now)
            report.retrying += 1
        except VxpError as exc:
            message = f"Trục từ chối (mã {exc.code}): {exc.description}"
            held |= _keys(package)
            if exc.retryable:
                _retry(package, message, now)
                report.retrying += 1
            else:
                _fail(package, message)
                report.failed += 1
        except OSError as exc:
            held |= _keys(package)
            _fail(package, f"Không đọc được gói tin đã lưu: {exc}")
            report.failed += 1
        else:
            OutboundPackage.objects.filter(pk=package.pk).update(
                state=OutboundState.SENT, hub_doc_id=doc_id, sent_at=timezone.now(), last_error=""
            )
            report.sent += 1


def _retry(
    package: OutboundPackage, error: str, now: datetime, *, counted: bool = True, soon=False
) -> None:
    attempts = package.attempts if counted else package.attempts - 1
    OutboundPackage.objects.filter(pk=package.pk).update(
        attempts=attempts,
        # `soon`: held back behind an earlier package, due again at once (that package's
        # own wait keeps this one back until it has gone).
        next_attempt_at=now if soon else now + backoff(max(attempts, 1)),
        last_error=error,
    )
    if counted:
        log.warning("outbound package %s: %s", package.public_id, error)


def _fail(package: OutboundPackage, error: str) -> None:
    with transaction.atomic():
        OutboundPackage.objects.filter(pk=package.pk).update(
            state=OutboundState.FAILED, last_error=error
        )
        record_event(
            "exchange.package_failed",
            package,
            agency=package.agency,
            after={"attempts": package.attempts, "error": error},
            note=f"{package.label} → {package.to_organ}",
        )
    log.warning("outbound package %s failed: %s", package.public_id, error)


# --- receiving ---------------------------------------------------------------------------


def poll(client: VxpClient, report: Report) -> None:
    """Fetch and acknowledge what the hub holds for us: documents first, so that a status
    about a document listed in the same round (a recall) finds its copy."""
    for messagetype in ("edoc", "status"):
        try:
            items = client.received(messagetype)
        except (VxpUnavailable, VxpError) as exc:
            report.errors.append(f"Không lấy được danh sách gói tin ({messagetype}): {exc}")
            return
        for item in items:
            doc_id = str(item.get("docId") or "")
            if not doc_id:
                continue
            try:
                receive_one(client, doc_id, messagetype, report)
            except VxpUnavailable as exc:
                report.errors.append(f"Mất kết nối trục khi nhận {doc_id}: {exc}")
                return
            except (DatabaseError, OSError) as exc:
                # Left unacknowledged: the next round takes it again.
                log.exception("inbound package %s not taken", doc_id)
                report.errors.append(f"Chưa nhận được gói tin {doc_id}: {exc}")


def receive_one(client: VxpClient, doc_id: str, messagetype: str, report: Report) -> None:
    package = InboundPackage.objects.filter(hub_doc_id=doc_id).first()
    if package is None:
        try:
            # The raw download skips Base64 (a quarter of the bytes, most of the client's CPU
            # on large packages); axes without it answer getEdoc's JSON, decoded the same.
            data = client.download_edoc(doc_id)
        except VxpError as exc:
            report.errors.append(f"Trục không trả gói tin {doc_id}: {exc}")
            return
        package = inbound.receive(doc_id, messagetype, data)
        if package.ack_status == "fail":
            report.refused += 1
        else:
            report.received += 1
    # Also for a package taken before: listed again means our acknowledgement was lost.
    try:
        client.update_status(doc_id, package.ack_status or "done")
    except VxpError as exc:
        report.errors.append(f"Trục không nhận xác nhận gói tin {doc_id}: {exc}")
        return
    InboundPackage.objects.filter(pk=package.pk).update(acked_at=timezone.now())
