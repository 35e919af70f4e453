"""The REST API, mounted at /api/v1/. Documented in docs/openapi.json
(`python -m django export_openapi` writes it, `--check` fails when it is stale)."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from vanthu.api import assignments, directory, document_actions, documents
from vanthu.api.auth import api_auth
from vanthu.api.errors import install_error_handlers


class ReadableJSONRenderer(JSONRenderer):
    # Vietnamese text as UTF-8 rather than \uXXXX escapes: readable in logs and curl.
    json_dumps_params = {"ensure_ascii": False}


class VanThuAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids (the view's name) for generated clients, instead of ninja's
        # module-qualified default that changes whenever a module is renamed.
        return operation.view_func.__name__


api = VanThuAPI(
    title="VanThu API",
    version="1",
    description=(
        "API của hệ thống quản lý văn bản VanThu. Xác thực bằng tiêu đề "
        "`Authorization: Bearer <khóa API>` (tạo bằng lệnh `create_api_token`) hoặc phiên "
        "đăng nhập của trình duyệt. Lỗi luôn có dạng "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
    auth=api_auth,
    renderer=ReadableJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/documents", documents.router)
api.add_router("/documents", document_actions.router)
api.add_router("", directory.router)
api.add_router("", assignments.router)


@api.get("/ping", auth=None, tags=["Hệ thống"], summary="Kiểm tra hoạt động")
def ping(request):
    return {"status": "ok"}
