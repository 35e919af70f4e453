"""`python -m django export_openapi [--check] [--output PATH]`: write the API's OpenAPI document.

The document is committed (docs/openapi.json) so that API changes show up in review as a
diff; CI runs `--check`, which fails when the committed file is not what the code produces.
Keys are sorted and the text is pretty-printed UTF-8 so the diff is stable and readable.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from ninja.responses import NinjaJSONEncoder

from vanthu.api.urls import api

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def render_openapi() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    text = json.dumps(schema, cls=NinjaJSONEncoder, indent=2, sort_keys=True, ensure_ascii=False)
    return text + "\n"


class Command(BaseCommand):
    help = "Xuất tài liệu OpenAPI của API ra docs/openapi.json (--check: chỉ kiểm tra)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default=str(DEFAULT_PATH), help="Đường dẫn tệp")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Không ghi; báo lỗi nếu tệp đã lưu khác với tài liệu sinh ra từ mã nguồn",
        )

    def handle(self, *args, output: str, check: bool, **options) -> None:
        path = Path(output)
        text = render_openapi()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                raise CommandError(
                    f"{path} chưa cập nhật theo mã nguồn; hãy chạy `python -m django export_openapi`."
                )
            self.stdout.write(f"{path}: khớp với mã nguồn.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã ghi {path}.")
