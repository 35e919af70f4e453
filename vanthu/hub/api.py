"""The VXP API of the hub (STANDARDS 2.4): every operation is POST /{op}, authenticated by
the XroadVnpt-* signature of a connected system, answered with the JSON of the SDK
({"status", "ErrorCode", "ErrorDesc", ...}).

The API is a small WSGI layer beside Django's request handling (wsgi.py routes its paths
here): no session, no CSRF (the signature is the credential), no URL resolver or middleware
— a third of a millisecond per call that the hub, answering several calls per package, does
not spend. Database connections are managed as Django does around each request. Views only
authenticate, read parameters and call actions.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from vanthu.vxp import AuthFailure, ErrorCode, VerifiedRequest, fail_body, ok_body, verify_request
from vanthu.vxp.auth import MAX_SKEW_SECONDS

from . import actions, directory
from .calls import Caller, Seen
from .clock import local_time
from .errors import HubError, http_status
from .models import Agency, Delivery, Package
from .uploads import UploadError, boundary_of, read_file_doc

logger = logging.getLogger(__name__)

# Multipart framing around file_doc (boundaries, part headers) on top of the package limit.
_MULTIPART_SLACK = 64 * 1024
_MAX_JSON_BODY = 64 * 1024
_HEADER_PREFIX = "HTTP_XROADVNPT_"


class ApiRequest:
    """What the API reads of a WSGI request."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "")
        self.content_type = environ.get("CONTENT_TYPE", "")
        self.remote_addr = environ.get("REMOTE_ADDR", "")
        try:
            self.content_length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
        except ValueError:
            self.content_length = 0
        self._remaining = self.content_length

    def xroad_headers(self) -> dict[str, str]:
        """The XroadVnpt-* headers as text: WSGI hands header bytes over as latin-1, the SDK
        sends UTF-8 (a `to` list or a reason may hold Vietnamese)."""
        headers = {}
        for key, value in self.environ.items():
            if key.startswith(_HEADER_PREFIX):
                name = "XroadVnpt-" + key[len(_HEADER_PREFIX) :].lower().replace("_", "-")
                try:
                    value = value.encode("latin-1").decode("utf-8")
                except UnicodeError:
                    pass
                headers[name] = value
        return headers

    def read(self, size: int) -> bytes:
        size = min(size, self._remaining)
        if size <= 0:
            return b""
        data = self.environ["wsgi.input"].read(size)
        self._remaining -= len(data)
        return data

    def body(self, limit: int) -> bytes:
        if self.content_length > limit:
            raise HubError(ErrorCode.TOO_LARGE, "Thân yêu cầu quá lớn.")
        return self.read(self.content_length)


# (status, body) answers JSON; (status, body, content type) anything else.
Response = tuple[int, bytes] | tuple[int, bytes, str]
Handler = Callable[[ApiRequest, Caller, VerifiedRequest, Seen], Response]


def _json(body: dict[str, object], status: int = 200) -> Response:
    return status, json.dumps(body, ensure_ascii=False).encode("utf-8")


def _authenticate(request: ApiRequest) -> tuple[Caller, VerifiedRequest]:
    found: dict[str, Caller] = {}

    def secret_for(systemid: str) -> str | None:
        known = directory.system_secret(systemid)
        if known is None:
            return None
        found["system"], secret = known
        return secret

    try:
        verified = verify_request(request.xroad_headers(), secret_for)
    except AuthFailure as exc:
        raise HubError(exc.code, exc.message) from None
    return found["system"], verified


OPERATIONS: dict[str, Callable[[ApiRequest], Response]] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        def view(request: ApiRequest) -> Response:
            systemid = ""
            try:
                if request.method != "POST":
                    raise HubError(ErrorCode.BAD_REQUEST, "Chỉ nhận phương thức POST.")
                system, verified = _authenticate(request)
                systemid = system.systemid
                # A replay is the same signed headers sent to the same operation again. The
                # signature does not cover the operation, and the SDK signs no nonce: its
                # countReceiveEdoc and countReceiveStatus carry identical headers, and sent
                # within one millisecond they are two requests, not a replay.
                seen = Seen(
                    f"{name} {verified.signature}",
                    verified.timestamp + dt.timedelta(seconds=MAX_SKEW_SECONDS + 1),
                )
                answer = handler(request, system, verified, seen)
                actions.purge_signatures()
                return answer
            except HubError as exc:
                systemid = systemid or request.environ.get("HTTP_XROADVNPT_SYSTEMID", "")
                return _refuse(request, name, exc.code, exc.message, systemid)
            except Exception:
                logger.exception("hub %s failed", name)
                return _refuse(
                    request, name, ErrorCode.SYSTEM_ERROR, "Lỗi hệ thống của trục.", systemid
                )

        OPERATIONS[f"/{name}"] = view
        return handler

    return register


def _refuse(request: ApiRequest, op: str, code: ErrorCode, message: str, systemid: str) -> Response:
    actions.log_rejection(
        operation=op,
        code=code.value,
        systemid=systemid,
        remote_addr=request.remote_addr,
        reason=message,
    )
    return _json(fail_body(code, message), status=http_status(code))


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes] | None:
    """The WSGI application of the API paths; None for any other path."""
    view = OPERATIONS.get(environ.get("PATH_INFO") or "")
    if view is None:
        return None
    # What Django's request_started/request_finished signals do for its own views.
    close_old_connections()
    try:
        status, body, *content_type = view(ApiRequest(environ))
    finally:
        close_old_connections()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [
            ("Content-Type", content_type[0] if content_type else "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]


_GET_EDOC_HEAD = json.dumps(ok_body())[:-1].encode() + b', "data": "'


# --- operations ---------------------------------------------------------------------------


@operation("sendEdoc")
def send_edoc(request, system, verified, seen):  # type: ignore[no-untyped-def]
    limit = settings.HUB_MAX_PACKAGE_BYTES
    too_large = HubError(ErrorCode.TOO_LARGE, f"Gói tin vượt quá {limit // (1024 * 1024)} MB.")
    # Refused before a byte of the body is read.
    if request.content_length > limit + _MULTIPART_SLACK:
        raise too_large
    if request.content_length <= 0:
        raise HubError(ErrorCode.BAD_REQUEST, "Cần Content-Length và phần file_doc.")
    storage = actions.get_storage()
    try:
        boundary = boundary_of(request.content_type)
        writer = read_file_doc(
            request.read, request.content_length, boundary, lambda: storage.writer(limit)
        )
    except UploadError as exc:
        raise (too_large if exc.too_large else HubError(ErrorCode.BAD_REQUEST, str(exc))) from None
    try:
        data = writer.finish()
    except BaseException:
        writer.discard()
        raise
    accepted = actions.accept_upload(
        caller=system, writer=writer, data=data, fields=verified.fields, seen=seen
    )
    return _json(ok_body(DocId=accepted.doc_id))


def _messagetype(verified: VerifiedRequest) -> str:
    value = (verified.fields.get("messagetype") or "edoc").strip().lower()
    if value not in (Package.MessageType.EDOC, Package.MessageType.STATUS):
        raise HubError(ErrorCode.BAD_REQUEST, "messagetype phải là edoc hoặc status.")
    return value


_STATE_LABELS = dict(Delivery.State.choices)


@operation("getReceivedEdocList")
def received_list(request, system, verified, seen):  # type: ignore[no-untyped-def]
    messagetype = _messagetype(verified)
    rows = actions.received(system, messagetype, seen)
    data = [
        {
            "docId": doc_id,
            "serviceType": "eDoc",
            "messageType": messagetype,
            "created_time": local_time(created),
            "updated_time": local_time(updated),
            "from": from_code,
            "to": to_codes,
            "status": state,
            "status_desc": _STATE_LABELS.get(state, state),
        }
        for doc_id, created, updated, from_code, to_codes, state in rows
    ]
    return _json(ok_body(data=data))


@operation("countReceiveEdoc")
def count_received(request, system, verified, seen):  # type: ignore[no-untyped-def]
    return _json(ok_body(count=actions.count_received(system, _messagetype(verified), seen)))


@operation("countReceiveStatus")
def count_received_status(request, system, verified, seen):  # type: ignore[no-untyped-def]
    return _json(ok_body(count=actions.count_received(system, "status", seen)))


@operation("getEdoc")
def get_edoc(request, system, verified, seen):  # type: ignore[no-untyped-def]
    data = actions.fetch(system, verified.fields.get("docId", "").strip(), seen)
    # Base64 needs no JSON escaping: writing the body directly spares json.dumps a scan of
    # megabytes of text.
    return 200, b"".join((_GET_EDOC_HEAD, base64.b64encode(data), b'"}'))


@operation("downloadEdoc")
def download_edoc(request, system, verified, seen):  # type: ignore[no-untyped-def]
    # The SDK's streamed variant: the same JSON as getEdoc (its clients decode either).
    # With the signed field format=raw (VanThu's own clients) the package is the body
    # itself: no Base64 to encode here nor to decode there, a third more bytes on the wire
    # saved. Refusals stay JSON, told apart by their Content-Type.
    if verified.fields.get("format", "").strip().lower() != "raw":
        return get_edoc(request, system, verified, seen)
    data = actions.fetch(system, verified.fields.get("docId", "").strip(), seen)
    return 200, data, "application/octet-stream"


@operation("updateStatus")
def update_status(request, system, verified, seen):  # type: ignore[no-untyped-def]
    fields = verified.fields
    actions.acknowledge(
        system,
        fields.get("docId", "").strip(),
        fields.get("status", ""),
        fields.get("description", "") or fields.get("reason", ""),
        seen,
    )
    return _json(ok_body())


@operation("getSentEdocList")
def sent_list(request, system, verified, seen):  # type: ignore[no-untyped-def]
    actions.remember(seen)
    doc_id = verified.fields.get("docId", "").strip()
    deliveries = Delivery.objects.filter(package__sender_id=system.pk).select_related("package")
    if doc_id:
        deliveries = deliveries.filter(package__doc_id=doc_id)
    else:
        deliveries = deliveries.filter(messagetype=_messagetype(verified))
    data = [
        {
            "serviceType": "eDoc",
            "messageType": d.package.messagetype,
            "senderDocId": d.package.doc_id,
            "receiverDocId": d.package.doc_id,
            "fromCode": d.package.from_code,
            "toCode": d.to_codes,
            "notation": d.package.notation,
            "title": d.package.title,
            "sentTime": local_time(d.package.created_at),
            "receivedTime": local_time(d.acked_at),
            "sendStatus": "done",
            "sendStatusDesc": "Trục đã nhận",
            "receiveStatus": d.state,
            "receiveStatusDesc": _STATE_LABELS.get(d.state, d.state),
        }
        for d in deliveries.order_by("-id")[:500]
    ]
    return _json(ok_body(data=data))


@operation("getAgenciesList")
def agencies_list(request, system, verified, seen):  # type: ignore[no-untyped-def]
    actions.remember(seen)
    data = [
        {
            "id": a.pk,
            "code": a.code,
            "code102": a.code,
            "codeQD20": a.code_qd20 or "",
            "pid": a.parent_code,
            "name": a.name,
            "mail": a.mail,
            "oldCode": "",
            "isAgency": True,
            "deleted": False,
            "status": 1,
        }
        for a in Agency.objects.order_by("code")
    ]
    return _json(ok_body(data=data))


@operation("registerAgency")
def register_agency(request, system, verified, seen):  # type: ignore[no-untyped-def]
    raw = request.body(_MAX_JSON_BODY)
    try:
        payload = json.loads(raw or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise HubError(ErrorCode.BAD_REQUEST, "Thân yêu cầu phải là một đối tượng JSON.")
    directory.register_agency(system, payload, seen)
    return _json(ok_body())


# --- Django views beside the API ----------------------------------------------------------


def health(request: HttpRequest) -> HttpResponse:
    """For process supervisors and the tests' readiness wait: the database answers."""
    Package.objects.exists()
    return HttpResponse("ok", content_type="text/plain")


def index(request: HttpRequest) -> HttpResponse:
    body = {
        "service": "VanThu hub (trục liên thông)",
        "organ_id": settings.HUB_ORGAN_ID,
        "time": local_time(timezone.now()),
        "operations": sorted(path.lstrip("/") for path in OPERATIONS),
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
