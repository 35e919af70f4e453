"""The state changes of the hub's traffic: accepting a package (sent or pulled from the
upstream), fetching and acknowledging it, remembering signatures, logging refusals. The
directory's own changes (systems, agencies) are in directory.py.

Each change is one transaction. A package's payload is on disk (fsynced, renamed) before its
row is committed, and the row is committed before the API answers OK. The hot paths run as
hand-written SQL (sql.py); the rest uses the ORM.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from vanthu.edxml import EdxmlError
from vanthu.vxp import ErrorCode

from . import routing, sql
from .calls import Caller, Seen, replayed
from .directory import hosts_for
from .envelope import Envelope, read_envelope
from .errors import HubError, edxml_error_code
from .models import Package, RejectedRequest, SeenSignature, System
from .payloads import payload_storage
from .storage import LocalStorage, PayloadWriter, key_for
from .tracing import Splice, make_splice

logger = logging.getLogger(__name__)

DONE, FAIL, PROCESSING, PENDING = "done", "fail", "processing", "pending"
OPEN_STATES = (PENDING, PROCESSING)
ACK_STATES = {DONE, FAIL, PROCESSING}
RECEIVE_LIMIT = 1000

_storage: LocalStorage | None = None
_storage_lock = threading.Lock()


def get_storage() -> LocalStorage:
    global _storage
    if _storage is None:
        with _storage_lock:
            if _storage is None:
                _storage = payload_storage()  # type: ignore[assignment]
    return _storage


# --- replay protection --------------------------------------------------------------------

_last_purge = 0.0
_PURGE_EVERY = 30.0


def remember(seen: Seen) -> None:
    """Record a signature on its own. Reads commit it without waiting for the WAL flush on
    PostgreSQL: losing the last milliseconds of signatures in a crash only reopens the replay
    of read requests whose answer an eavesdropper already holds."""
    try:
        sql.remember(seen.row())
    except sql.Replayed:
        raise replayed() from None


def purge_signatures(force: bool = False) -> None:
    """Forget signatures whose timestamp is out of the window (a replay of them is refused
    as stale anyway); at most every _PURGE_EVERY seconds per process."""
    global _last_purge
    now = time.monotonic()
    if not force and now - _last_purge < _PURGE_EVERY:
        return
    _last_purge = now
    SeenSignature.objects.filter(expires_at__lt=timezone.now()).delete()


# --- directory ----------------------------------------------------------------------------


def _route(
    envelope: Envelope, caller: Caller, fields: dict[str, str], to_header: list[str] | None
) -> tuple[routing.Route, dict[str, int]]:
    codes = routing.wanted_codes(envelope)
    codes += [routing.normalise_code(c) for c in to_header or []]
    for fresh in (False, True):
        hosts, system_pks = hosts_for(codes, fresh=fresh)
        try:
            route = routing.route(
                envelope,
                caller=caller.systemid,
                hosts=hosts,
                from_header=fields.get("from"),
                to_header=to_header,
            )
            return route, system_pks
        except HubError as exc:
            if fresh or exc.code not in (
                ErrorCode.SENDER_NOT_REGISTERED,
                ErrorCode.UNKNOWN_RECIPIENT,
            ):
                raise
    raise AssertionError("unreachable")


# --- sendEdoc -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    doc_id: str
    created: bool


def accept_upload(
    *, caller: Caller, writer: PayloadWriter, data: bytes, fields: dict[str, str], seen: Seen
) -> Accepted:
    """sendEdoc: check, route, store and index one uploaded package (the temporary file in
    ``writer`` is committed to storage or discarded)."""
    try:
        expected = (fields.get("hash-file") or "").strip().lower()
        if not expected:
            raise HubError(ErrorCode.BAD_REQUEST, "Thiếu tiêu đề hash-file.")
        if expected != writer.sha256:
            raise HubError(
                ErrorCode.HASH_MISMATCH, "hash-file khác mã băm SHA-256 của tệp file_doc."
            )
        messagetype = (fields.get("messagetype") or "").strip().lower()
        if messagetype not in ("edoc", "status"):
            raise HubError(ErrorCode.BAD_REQUEST, "messagetype phải là edoc hoặc status.")
        message = _parse(data)
        to_header = _to_header(fields.get("to"))
        try:
            route, system_pks = _route(message, caller, fields, to_header)
        except HubError:
            # A retry of bytes accepted before the directory changed still gets its DocId.
            if sql.existing_package(caller.pk, writer.sha256) is None:
                raise
            return _retry(caller, writer, fields, seen)
        if route.kind != messagetype:
            raise HubError(
                ErrorCode.BAD_REQUEST,
                f"messagetype {messagetype} không khớp nội dung gói tin ({route.kind}).",
            )
    except BaseException:
        writer.discard()
        raise
    moment = timezone.now()
    splice = make_splice(data, settings.HUB_ORGAN_ID, moment)
    writer.commit()
    try:
        doc_id = _index(
            caller, writer.sha256, len(data), message, route, system_pks, splice, moment, seen=seen
        )
    except sql.Duplicate:
        # The sender timed out waiting for our answer and sent the same bytes again: the
        # same DocId, nothing new stored.
        return _retry(caller, writer, fields, seen)
    return Accepted(doc_id, True)


def _retry(caller: Caller, writer: PayloadWriter, fields: dict[str, str], seen: Seen) -> Accepted:
    writer.discard()
    existing = sql.existing_package(caller.pk, writer.sha256)
    if existing is None:
        raise HubError(ErrorCode.SYSTEM_ERROR, "Gói tin trùng nhưng không tìm thấy bản đã nhận.")
    doc_id, from_code = existing
    from_header = routing.normalise_code(fields.get("from"))
    if from_header and from_header != from_code:
        raise HubError(
            ErrorCode.BAD_REQUEST,
            f"Tiêu đề from ({from_header}) khác From/OrganId của gói tin ({from_code}).",
        )
    remember(seen)
    return Accepted(doc_id, False)


def accept_pulled(*, upstream: System, data: bytes, upstream_doc_id: str) -> Accepted:
    """Federation: index a package pulled from the upstream hub for the agencies of this one.
    Idempotent on the bytes, like sendEdoc, so a pull repeated after a crash is harmless."""
    sha256, _key = get_storage().save(data)
    existing = sql.existing_package(upstream.pk, sha256)
    if existing is not None:
        return Accepted(existing[0], False)
    message = _parse(data)
    hosts, system_pks = hosts_for(routing.wanted_codes(message), fresh=True)
    route = routing.route(message, caller=upstream.systemid, hosts=hosts, from_upstream=True)
    moment = timezone.now()
    splice = make_splice(data, settings.HUB_ORGAN_ID, moment)
    caller = Caller(upstream.pk, upstream.systemid)
    try:
        doc_id = _index(
            caller,
            sha256,
            len(data),
            message,
            route,
            system_pks,
            splice,
            moment,
            upstream_doc_id=upstream_doc_id,
        )
    except sql.Duplicate:
        existing = sql.existing_package(upstream.pk, sha256)
        assert existing is not None
        return Accepted(existing[0], False)
    return Accepted(doc_id, True)


def _parse(data: bytes) -> Envelope:
    try:
        return read_envelope(data, max_size=settings.HUB_MAX_PACKAGE_BYTES)
    except EdxmlError as exc:
        raise HubError(
            edxml_error_code(exc.reason), f"Gói tin không hợp lệ: {exc.reason}"
        ) from None


def _to_header(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HubError(ErrorCode.BAD_REQUEST, "Tiêu đề to phải là danh sách JSON mã cơ quan.")
    return value


def _index(
    sender: Caller,
    sha256: str,
    size: int,
    message: Envelope,
    route: routing.Route,
    system_pks: dict[str, int],
    splice: Splice,
    moment: dt.datetime,
    *,
    seen: Seen | None = None,
    upstream_doc_id: str = "",
) -> str:
    doc_id = str(uuid.uuid4())
    package = {
        "doc_id": doc_id,
        "sender_id": sender.pk,
        "messagetype": route.kind,
        "from_code": route.from_code,
        "to_codes": ";".join(c for codes in route.recipients.values() for c in codes),
        "sha256": sha256,
        "size": size,
        "splice_start": splice.start,
        "splice_end": splice.end,
        "trace_fragment": splice.fragment,
        "notation": message.notation[:255],
        "title": message.title,
        "document_id": message.document_id[:255],
        "status_code": message.status_code[:4],
        "upstream_doc_id": upstream_doc_id,
        "created_at": moment,
    }
    deliveries = [
        (system_pks[systemid], ";".join(codes)) for systemid, codes in route.recipients.items()
    ]
    try:
        sql.insert_package(
            seen=seen.row() if seen else None, package=package, deliveries=deliveries
        )
    except sql.Replayed:
        raise replayed() from None
    return doc_id


# --- receiving ----------------------------------------------------------------------------


def received(caller: Caller, messagetype: str, seen: Seen) -> list[tuple[object, ...]]:
    try:
        return sql.received(seen.row(), caller.pk, messagetype, RECEIVE_LIMIT)
    except sql.Replayed:
        raise replayed() from None


def count_received(caller: Caller, messagetype: str, seen: Seen) -> int:
    try:
        return sql.count_received(seen.row(), caller.pk, messagetype)
    except sql.Replayed:
        raise replayed() from None


def read_delivered(sha256: str, splice: Splice) -> bytes:
    """The package as delivered: the sender's bytes with the hub's TraceHeader spliced in."""
    return splice.apply(get_storage().read(key_for(sha256)))


def package_bytes(package: Package) -> bytes:
    splice = Splice(package.splice_start, package.splice_end, bytes(package.trace_fragment))
    return read_delivered(package.sha256, splice)


def fetch(caller: Caller, doc_id: str, seen: Seen) -> bytes:
    """getEdoc: the bytes of a package addressed to the caller."""
    if not doc_id:
        raise HubError(ErrorCode.BAD_REQUEST, "Thiếu docId.")
    try:
        row = sql.fetch(seen.row(), caller.pk, doc_id, timezone.now())
    except sql.Replayed:
        raise replayed() from None
    if row is None:
        raise HubError(ErrorCode.UNKNOWN_DOCUMENT, f"Không có gói tin {doc_id} gửi hệ thống này.")
    sha256, start, end, fragment = row
    return read_delivered(sha256, Splice(start, end, fragment))


def acknowledge(caller: Caller, doc_id: str, status: str, reason: str, seen: Seen) -> None:
    """updateStatus: the receiver's transport acknowledgement. "done" and "fail" take the
    package off its list for good; repeating the same acknowledgement is harmless."""
    status = status.strip().lower()
    if status not in ACK_STATES:
        raise HubError(ErrorCode.BAD_REQUEST, "status phải là done, fail hoặc processing.")
    if not doc_id:
        raise HubError(ErrorCode.BAD_REQUEST, "Thiếu docId.")
    reason = reason[:2000] or "Hệ thống nhận báo lỗi."
    try:
        before = sql.acknowledge(seen.row(), caller.pk, doc_id, status, reason, timezone.now())
    except sql.Replayed:
        raise replayed() from None
    if before is None:
        raise HubError(ErrorCode.UNKNOWN_DOCUMENT, f"Không có gói tin {doc_id} gửi hệ thống này.")
    if before == DONE and status != DONE:
        raise HubError(ErrorCode.BAD_REQUEST, "Gói tin đã được xác nhận nhận xong.")


# --- refusals -----------------------------------------------------------------------------

_rejections = 0


def log_rejection(
    *, operation: str, code: str, systemid: str, remote_addr: str, reason: str
) -> None:
    """Keep the refusal for the operator page; the table is pruned to its configured size."""
    global _rejections
    try:
        row = RejectedRequest.objects.create(
            created_at=timezone.now(),
            operation=operation[:40],
            code=code,
            systemid=systemid[:100],
            remote_addr=remote_addr[:64],
            reason=reason[:2000],
        )
        _rejections += 1
        if _rejections % 100 == 0:
            keep = settings.HUB_REJECTION_LOG_SIZE
            RejectedRequest.objects.filter(id__lte=row.id - keep).delete()
    except Exception:  # a failing log must not turn a refusal into a system error
        logger.exception("cannot record a rejected request")
