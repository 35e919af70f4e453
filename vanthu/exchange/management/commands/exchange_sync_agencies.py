"""Import the agencies reachable through the hub (getAgenciesList) into the directory."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vanthu.errors import ValidationFailed
from vanthu.exchange.agencies import sync_agencies
from vanthu.exchange.hub import hub_client
from vanthu.vxp import VxpError, VxpUnavailable


class Command(BaseCommand):
    help = "Nhập danh mục cơ quan của trục liên thông vào danh bạ (kênh liên thông: trục)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            with hub_client() as client:
                report = sync_agencies(client)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        except (VxpError, VxpUnavailable) as exc:
            raise CommandError(f"Không lấy được danh mục cơ quan từ trục: {exc}") from None
        self.stdout.write(
            f"Thêm mới {report.created}, cập nhật {report.updated}, "
            f"hết hiệu lực {report.invalidated} cơ quan."
        )
        if report.skipped:
            self.stdout.write(
                f"Bỏ qua {len(report.skipped)} mục không hợp lệ: " + ", ".join(report.skipped[:20])
            )
