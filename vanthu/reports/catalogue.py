"""The five registers of Decree 30/2020 Appendix IV: their names and columns, each with the
query in registers.py that fills it. Column labels are the Appendix's own wording."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from vanthu.directory.models import Agency
from vanthu.reports.registers import (
    RegisterRows,
    archive_use_register,
    handling_register,
    incoming_register,
    outgoing_register,
    postal_register,
)

TEXT, DATE, NUMBER, ORDINAL = "text", "date", "number", "ordinal"


@dataclass(frozen=True)
class Column:
    label: str
    width: int  # in characters: the spreadsheet width and the PDF's relative width
    kind: str = TEXT


@dataclass(frozen=True)
class Register:
    slug: str
    name: str
    sheet_title: str  # Excel refuses sheet titles longer than 31 characters
    columns: tuple[Column, ...]
    query: Callable[[object, Agency, date, date], RegisterRows]

    @property
    def title(self) -> str:
        return self.name.upper()


REGISTERS: dict[str, Register] = {
    r.slug: r
    for r in (
        Register(
            "van-ban-di",
            "Sổ đăng ký văn bản đi",
            "Sổ đăng ký văn bản đi",
            (
                Column("Số, ký hiệu văn bản", 17),
                Column("Ngày tháng văn bản", 15, DATE),
                Column("Tên loại và trích yếu nội dung", 42),
                Column("Người ký", 20),
                Column("Nơi nhận văn bản", 30),
                Column("Đơn vị, người nhận bản lưu", 20),
                Column("Số lượng bản", 9, NUMBER),
                Column("Ngày chuyển", 15, DATE),
                Column("Ký nhận", 12),
                Column("Ghi chú", 18),
            ),
            outgoing_register,
        ),
        Register(
            "van-ban-den",
            "Sổ đăng ký văn bản đến",
            "Sổ đăng ký văn bản đến",
            (
                Column("Ngày đến", 15, DATE),
                Column("Số đến", 7, ORDINAL),
                Column("Tác giả", 24),
                Column("Số, ký hiệu", 16),
                Column("Ngày tháng văn bản", 15, DATE),
                Column("Tên loại và trích yếu nội dung", 45),
                Column("Đơn vị hoặc người nhận", 25),
                Column("Ngày chuyển", 15, DATE),
                Column("Ký nhận", 12),
                Column("Ghi chú", 18),
            ),
            incoming_register,
        ),
        Register(
            "gui-buu-dien",
            "Sổ gửi văn bản đi bưu điện",
            "Sổ gửi văn bản đi bưu điện",
            (
                Column("Ngày chuyển", 15, DATE),
                Column("Số, ký hiệu văn bản", 18),
                Column("Nơi nhận văn bản", 50),
                Column("Số lượng bì", 10, NUMBER),
                Column("Ký nhận và dấu bưu điện", 25),
                Column("Ghi chú", 25),
            ),
            postal_register,
        ),
        Register(
            "su-dung-ban-luu",
            "Sổ sử dụng bản lưu",
            "Sổ sử dụng bản lưu",
            (
                Column("Ngày tháng", 15, DATE),
                Column("Họ tên người sử dụng", 24),
                Column("Số, ký hiệu, ngày tháng văn bản", 24),
                Column("Tên loại và trích yếu nội dung", 45),
                Column("Số và ký hiệu hồ sơ", 14),
                Column("Ký nhận", 12),
                Column("Ngày trả", 15, DATE),
                Column("Người cho phép sử dụng", 20),
                Column("Ghi chú", 22),
            ),
            archive_use_register,
        ),
        Register(
            "giai-quyet-van-ban-den",
            "Sổ theo dõi giải quyết văn bản đến",
            "Sổ theo dõi giải quyết VB đến",
            (
                Column("Số đến", 7, ORDINAL),
                Column("Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan ban hành", 50),
                Column("Đơn vị hoặc người nhận", 25),
                Column("Thời hạn giải quyết", 15, DATE),
                Column("Tiến độ giải quyết", 20),
                Column("Số, ký hiệu văn bản trả lời", 18),
                Column("Ghi chú", 18),
            ),
            handling_register,
        ),
    )
}
