"""Federation: a provincial hub (LGSP) is itself a connected system of the national hub.

- Directory: at start and periodically, the agencies this hub hosts are registered upstream,
  and the upstream's other agencies are recorded here as hosted by the upstream system, so
  routing sends their packages into the upstream's delivery rows.
- Forwarding: a Delivery to the upstream system is an outbox row. The loop sends the
  package as delivered (this hub's trace included: the bytes are fixed at acceptance) and
  records the upstream's DocId in the same row. A crash between the upstream's OK and that
  commit only causes a resend of the same bytes, which the upstream answers with the same
  DocId (sendEdoc is idempotent): exactly one package upstream.
- Pulling: what the upstream holds for this hub's agencies is fetched, indexed here
  (idempotent on the bytes as well) and only then acknowledged upstream.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from vanthu.vxp import VxpClient, VxpError, VxpUnavailable

from . import actions
from .errors import HubError
from .models import Agency, Delivery, FederationState, System

logger = logging.getLogger(__name__)

UPSTREAM_SYSTEMID = "@upstream"
# Refusals about the package itself: resending the same bytes would be refused again.
# Anything else (15 credentials, 16 a replay after a lost answer, 20 the upstream's own
# error) interrupts the round and is retried at the next one.
PERMANENT_REFUSALS = frozenset({"10", "18", "19", "21", "22", "24", "26"})
BATCH = 200
SYNC_EVERY_SECONDS = 300.0


def upstream_system() -> System:
    system, _ = System.objects.get_or_create(
        systemid=UPSTREAM_SYSTEMID,
        defaults={
            "name": f"Trục cấp trên ({settings.HUB_UPSTREAM_URL})",
            "kind": System.Kind.UPSTREAM,
        },
    )
    return system


def _note(key: str, value: str) -> None:
    FederationState.objects.update_or_create(key=key, defaults={"value": value[:2000]})


# --- directory ----------------------------------------------------------------------------


def sync_directory(client: VxpClient, upstream: System) -> tuple[int, int]:
    """Register our agencies upstream, record the upstream's others; returns
    (registered upstream, recorded here)."""
    remote = {str(item.get("code") or "").strip().upper(): item for item in client.agencies()}
    remote.pop("", None)
    local = {a.code: a for a in Agency.objects.exclude(system=upstream).select_related("system")}
    registered = 0
    for code, agency in local.items():
        if code in remote:
            continue
        try:
            client.register_agency(
                {
                    "id": agency.pk,
                    "pcode": agency.parent_code,
                    "code": agency.code,
                    "codeQD20": agency.code_qd20 or "",
                    "name": agency.name,
                    "mail": agency.mail,
                    "mobile": agency.mobile,
                    "fax": agency.fax,
                }
            )
            registered += 1
        except VxpError as exc:
            logger.warning("upstream refused agency %s: %s", code, exc)
            _note("register_error", f"{code}: {exc}")
    recorded = 0
    for code, item in remote.items():
        if code in local:
            continue  # ours: the upstream lists it because we registered it
        qd20 = str(item.get("codeQD20") or "").strip().upper() or None
        if qd20 and Agency.objects.filter(code_qd20=qd20).exclude(code=code).exists():
            qd20 = None
        Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": str(item.get("name") or code)[:255],
                "code_qd20": qd20,
                "parent_code": str(item.get("pid") or "")[:35],
                "mail": str(item.get("mail") or "")[:255],
                "system": upstream,
            },
        )
        recorded += 1
    # Agencies the upstream no longer lists are no longer reachable through it.
    Agency.objects.filter(system=upstream).exclude(code__in=list(remote)).delete()
    _note("last_sync", timezone.now().isoformat())
    return registered, recorded


# --- forwarding ---------------------------------------------------------------------------


def forward(client: VxpClient, upstream: System) -> int:
    """Send pending outbox rows upstream; returns how many were forwarded."""
    forwarded = 0
    pending = (
        Delivery.objects.filter(system=upstream, state=actions.PENDING)
        .select_related("package")
        .order_by("id")[:BATCH]
    )
    for delivery in pending:
        package = delivery.package
        data = actions.package_bytes(package)
        to = delivery.to_codes.split(";") if package.messagetype == "edoc" else None
        try:
            doc_id = client.send_edoc(
                data, from_organ=package.from_code, messagetype=package.messagetype, to=to
            )
        except VxpError as exc:
            if exc.code not in PERMANENT_REFUSALS:
                raise
            # Refused upstream for good (unknown recipient there, ...): the operator page
            # and the sender's getSentEdocList show it as failed.
            now = timezone.now()
            Delivery.objects.filter(pk=delivery.pk, state=actions.PENDING).update(
                state=actions.FAIL,
                reason=f"Trục cấp trên từ chối ({exc.code}): {exc.description}"[:2000],
                updated_at=now,
                acked_at=now,
            )
            continue
        now = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, state=actions.PENDING).update(
            state=actions.DONE,
            upstream_doc_id=doc_id,
            fetched_at=now,
            acked_at=now,
            updated_at=now,
        )
        forwarded += 1
    return forwarded


# --- pulling ------------------------------------------------------------------------------


def pull(client: VxpClient, upstream: System, messagetype: str) -> int:
    """Take in what the upstream holds for our agencies; returns how many were accepted."""
    accepted = 0
    for item in client.received(messagetype)[:BATCH]:
        doc_id = str(item.get("docId") or "")
        if not doc_id:
            continue
        try:
            data = client.get_edoc(doc_id)
        except VxpError as exc:
            if exc.code not in PERMANENT_REFUSALS | {"25"}:
                raise
            logger.warning("upstream package %s cannot be fetched: %s", doc_id, exc)
            continue
        try:
            actions.accept_pulled(upstream=upstream, data=data, upstream_doc_id=doc_id)
        except HubError as exc:
            actions.log_rejection(
                operation=f"federation.pull.{messagetype}",
                code=exc.code.value,
                systemid=UPSTREAM_SYSTEMID,
                remote_addr="",
                reason=f"{doc_id}: {exc.message}",
            )
            client.update_status(doc_id, "fail")
            continue
        client.update_status(doc_id, "done")
        accepted += 1
    return accepted


# --- the loop -----------------------------------------------------------------------------


def run_round(client: VxpClient, upstream: System) -> dict[str, int]:
    return {
        "forwarded": forward(client, upstream),
        "edoc": pull(client, upstream, "edoc"),
        "status": pull(client, upstream, "status"),
    }


def run(*, every: float, once: bool = False, sync_every: float = SYNC_EVERY_SECONDS) -> int:
    if not settings.HUB_UPSTREAM_URL:
        logger.error("federation needs VANTHU_HUB_UPSTREAM_URL")
        return 2
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    client = VxpClient(
        settings.HUB_UPSTREAM_URL,
        settings.HUB_UPSTREAM_SYSTEM_ID,
        settings.HUB_UPSTREAM_SECRET,
        timeout=60,
    )
    upstream = upstream_system()
    last_sync = float("-inf")
    try:
        while not stopping:
            close_old_connections()
            try:
                if time.monotonic() - last_sync >= sync_every:
                    sync_directory(client, upstream)
                    last_sync = time.monotonic()
                run_round(client, upstream)
                _note("last_round", timezone.now().isoformat())
            except (VxpUnavailable, VxpError) as exc:
                # The upstream is down or busy: everything stays in the outbox for next time.
                logger.warning("federation round interrupted: %s", exc)
                _note("last_error", f"{timezone.now().isoformat()} {exc}")
            if once:
                break
            _sleep(every, lambda: stopping)
    finally:
        client.close()
    return 0


def _sleep(seconds: float, stopped) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not stopped() and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
