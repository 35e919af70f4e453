"""JSON endpoints of the page script that signs with the signer's USB token (agent.js).

The page asks ``prepare`` for the digest, gives it with the PIN to the agent on 127.0.0.1,
then posts the agent's answer (never the PIN) to ``finish``, which approves the document.
Errors are ``{"error": {"code", "message"}}`` with a Vietnamese message the page shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from vanthu.documents.access import get_document_for_user
from vanthu.documents.actions import approve_signature
from vanthu.errors import DomainError, InvalidTransition, PermissionDenied
from vanthu.signing import remote

_STATUS = {PermissionDenied: 403, InvalidTransition: 409}


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def json_endpoint(view: Callable) -> Callable:
    """Login, visibility and domain errors answered as JSON instead of redirects and pages:
    the caller is a script, which shows the message next to the button."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if not request.user.is_authenticated:
            return _error(
                "login_required", "Phiên đăng nhập đã hết; hãy đăng nhập lại rồi ký.", 401
            )
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _error("not_found", "Không tìm thấy văn bản hoặc bạn không có quyền xem.", 404)
        except DomainError as exc:
            return _error(exc.code, exc.message, _STATUS.get(type(exc), 400))

    return wrapped


def _body(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict):
            raise DomainError("Dữ liệu gửi lên không phải JSON hợp lệ.")
        return data
    return request.POST.dict()


@require_POST
@json_endpoint
def prepare(request: HttpRequest, public_id) -> JsonResponse:
    doc = get_document_for_user(request.user, public_id)
    pending = remote.prepare_personal(request.user, doc)
    return JsonResponse(remote.signing_request(pending))


@require_POST
@json_endpoint
def finish(request: HttpRequest, public_id) -> JsonResponse:
    doc = get_document_for_user(request.user, public_id)
    data = _body(request)
    chain = data.get("chain") or []
    signed = remote.finish_personal(
        request.user,
        data.get("pending_id"),
        str(data.get("signature") or ""),
        document=doc,
        certificate_b64=str(data.get("certificate") or "") or None,
        chain_b64=[str(c) for c in chain] if isinstance(chain, list) else [],
    )
    approve_signature(
        request.user, doc, approve=True, comment=str(data.get("comment") or ""), signed=signed
    )
    messages.success(request, "Đã ký số bằng USB token và ký duyệt văn bản.")
    return JsonResponse(
        {"ok": True, "redirect": reverse("web:document_detail", args=[doc.public_id])}
    )
