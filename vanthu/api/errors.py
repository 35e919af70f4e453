"""Every error the API answers has one JSON shape:

    {"error": {"code": "validation_failed", "message": "<tiếng Việt>", "fields": {...}}}

Domain errors raised by the actions are 400, except PermissionDenied (403) on a document the
caller can see. Anything the caller cannot see is 404 with no hint of whether it exists.
Ninja's own request validation (wrong types, missing parameters) is 422 in the same shape,
with the field messages translated.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from vanthu.errors import DomainError, PermissionDenied

UNAUTHORIZED = "Chưa xác thực: hãy gửi tiêu đề «Authorization: Bearer <khóa API>» hoặc đăng nhập."

# The actions name fields after the model; the API names them after Appendix VI.
API_FIELD_NAMES = {"number_text": "code_number", "notation": "code_notation"}

_TYPE_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "date_parsing": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "date_from_datetime_parsing": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "date_from_datetime_inexact": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "date_type": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "uuid_parsing": "Mã định danh (UUID) không hợp lệ.",
    "uuid_type": "Mã định danh (UUID) không hợp lệ.",
    "string_type": "Phải là chuỗi ký tự.",
    "list_type": "Phải là một danh sách.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung yêu cầu phải là một đối tượng JSON.",
    "dict_type": "Nội dung yêu cầu phải là một đối tượng JSON.",
}


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind]
    if kind in ("enum", "literal_error"):
        return f"Giá trị không hợp lệ; chấp nhận: {ctx.get('expected', '')}."
    if kind == "greater_than_equal":
        return f"Giá trị phải lớn hơn hoặc bằng {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"Giá trị phải nhỏ hơn hoặc bằng {ctx.get('le')}."
    if kind == "string_too_long":
        return f"Dài tối đa {ctx.get('max_length')} ký tự."
    return f"Giá trị không hợp lệ ({error.get('msg', kind)})."


def _field_name(loc: tuple | list) -> str:
    # loc is (where, [parameter name,] field, ...): ("query", "page_size"),
    # ("form", "subject"), ("body", "data", "reason"), ("body", "data", "users", 0).
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or str(loc[0] if loc else "request")


def _on_request_invalid(request: HttpRequest, exc: RequestInvalid, api: NinjaAPI):
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), _field_message(error))
    body = error_body("invalid_request", "Dữ liệu gửi lên không đúng định dạng.", fields)
    return api.create_response(request, body, status=422)


def _on_domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    fields = {API_FIELD_NAMES.get(k, k): v for k, v in getattr(exc, "errors", {}).items()}
    status = 403 if isinstance(exc, PermissionDenied) else 400
    return api.create_response(request, error_body(exc.code, exc.message, fields), status=status)


def _on_not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    message = str(exc) or "Không tìm thấy hoặc bạn không có quyền xem."
    return api.create_response(request, error_body("not_found", message), status=404)


def _on_unauthorized(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI):
    message = UNAUTHORIZED if exc.message == "Unauthorized" else exc.message
    response = api.create_response(request, error_body("unauthorized", message), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="vanthu"'
    return response


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    if "CSRF" in exc.message:
        body = error_body("csrf_failed", "Thiếu hoặc sai mã CSRF (tiêu đề X-CSRFToken).")
    elif exc.message.startswith("Cannot parse request body"):
        body = error_body("invalid_json", "Nội dung yêu cầu không phải JSON hợp lệ.")
    else:
        body = error_body("http_error", exc.message)
    return api.create_response(request, body, status=exc.status_code)


def install_error_handlers(api: NinjaAPI) -> None:
    handlers = [
        (DomainError, _on_domain_error),
        (Http404, _on_not_found),
        (AuthenticationError, _on_unauthorized),
        (HttpError, _on_http_error),
        (RequestInvalid, _on_request_invalid),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(
            exc_class, lambda request, exc, handler=handler: handler(request, exc, api)
        )
