"""Public verification pages: anyone, without logging in, checks a document by the code
printed on it or by uploading the PDF they received.

The views only read requests and render; what may be shown lives in
``vanthu.signing.verification``. The upload form keeps CSRF protection (it is a POST from our
own page) and is rate-limited per client address, because each check parses an untrusted
PDF and runs the signature validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vanthu.documents.files import PDF, sniff_mime
from vanthu.signing.appearance import iso_vn
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.qr import display_code, normalise_code
from vanthu.signing.verification import check_uploaded, lookup, public_report

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Per client address: enough for a person checking a pile of documents, not for a scraper.
UPLOADS_PER_WINDOW = 20
WINDOW_SECONDS = 10 * 60

NOT_FOUND = "Không tìm thấy văn bản có mã xác thực này trong hệ thống."
# Fields of the JSON report, as ``vanthu verify --json`` prints them.
_JSON_FIELDS = ("verdict", "signatures", "has_personal", "has_agency", "registered", "sha256")


def _vn_date(iso: str | None) -> str:
    """``2026-03-05`` → ``05/03/2026``, the way dates are written on Vietnamese documents."""
    if not iso:
        return "—"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or request.POST.get("format") == "json"


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("ma", "").strip()
    if typed:
        stored = normalise_code(typed)
        if stored is not None:
            return redirect("verify:document", code=display_code(stored))
        error = (
            f"«{typed}» không phải mã xác thực: mã gồm 8 ký tự chữ và số, "
            "ví dụ K7QM-3XPD, in cạnh mã QR ở cuối trang đầu văn bản."
        )
        return render(request, "signing/verify_index.html", {"typed": typed, "code_error": error})
    return render(request, "signing/verify_index.html", {})


def _document_or_none(code: str):
    stored = normalise_code(code)
    return (stored, lookup(stored)) if stored is not None else (None, None)


@require_GET
def document(request: HttpRequest, code: str) -> HttpResponse:
    stored, doc = _document_or_none(code)
    if _wants_json(request):
        return document_json(request, code)
    if doc is None:
        return render(request, "signing/verify_not_found.html", {"code": code}, status=404)
    if code != display_code(stored):
        # One address per document: a typed "k7qm 3xpd" lands on the printed form.
        return redirect("verify:document", code=display_code(stored))
    report = public_report(doc)
    context = {
        "report": report,
        "issued_on": _vn_date(report["issued_on"]),
        "checked_at": iso_vn(dt.datetime.fromisoformat(report["checked_at"]))
        if report["checked_at"]
        else None,
    }
    return render(request, "signing/verify_document.html", context)


@require_GET
def document_json(request: HttpRequest, code: str) -> JsonResponse:
    _, doc = _document_or_none(code)
    report = public_report(doc) if doc is not None else None
    if report is None:
        return _json_error(404, "not_found", NOT_FOUND)
    payload = {
        "document": {k: v for k, v in report.items() if k not in ("signatures",)},
        "verdict": report["verdict"],
        "signatures": report["signatures"],
        "registered": {
            "reference": report["reference"],
            "agency": report["agency"],
            "issued_on": report["issued_on"],
            "sha256": report["sha256"],
            "verification_code": report["verification_code"],
        },
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a
    # trusted proxy rewrites it, which the deployment does in front of Django.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _over_rate_limit(request: HttpRequest) -> bool:
    key = f"vanthu:verify-upload:{_client_address(request)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > UPLOADS_PER_WINDOW


def _read_upload(request: HttpRequest) -> tuple[bytes | None, str | None, int]:
    upload = request.FILES.get("file")
    if upload is None:
        return None, "Hãy chọn tệp PDF cần kiểm tra.", 400
    if upload.size > MAX_UPLOAD_BYTES:
        return None, "Tệp quá lớn: chỉ kiểm tra được tệp PDF đến 20 MB.", 413
    content = upload.read()
    if not content:
        return None, f"Tệp «{upload.name}» rỗng (0 byte).", 400
    if sniff_mime(content[:2048], content) != PDF:
        return None, f"Tệp «{upload.name}» không phải tệp PDF: chỉ kiểm tra được văn bản PDF.", 400
    return content, None, 200


def _upload_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return _json_error(status, code, message)
    context: dict[str, Any] = {"file_error": message}
    return render(request, "signing/verify_index.html", context, status=status)


@require_POST
def check_file(request: HttpRequest) -> HttpResponse:
    if _over_rate_limit(request):
        return _upload_error(
            request,
            429,
            "rate_limited",
            "Bạn đã gửi quá nhiều tệp trong thời gian ngắn; hãy thử lại sau ít phút.",
        )
    content, error, status = _read_upload(request)
    if content is None:
        return _upload_error(request, status, "invalid_file", error or "")
    try:
        report = check_uploaded(content)
    except DocumentStateError as exc:
        return _upload_error(request, 400, "invalid_file", exc.message)
    if _wants_json(request):
        payload = {k: report[k] for k in _JSON_FIELDS}
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    name = getattr(request.FILES.get("file"), "name", "")
    registered = report["registered"]
    context = {
        "report": report,
        "file_name": name,
        "registered_on": _vn_date(registered["issued_on"]) if registered else None,
    }
    return render(request, "signing/verify_result.html", context)
