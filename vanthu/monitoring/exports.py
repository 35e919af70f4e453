"""The monitoring tables as spreadsheets (openpyxl): real numbers, shares as percentages and
real dates, so that they can be sorted, filtered and summed in Excel."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from vanthu.monitoring.queries import UNSIGNED
from vanthu.monitoring.tables import DATE, INDICATORS, MOMENT, NO_DATA, Dashboard, ItemList

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RED = PatternFill("solid", start_color="FFEBE9", end_color="FFEBE9")
RED_FONT = Font(color="B3261E", bold=True)


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _title(sheet, title: str, subtitle: str, headers: list[str]) -> None:
    sheet.append([_cell(sheet, title, font=Font(bold=True, size=14))])
    sheet.append([subtitle])
    sheet.append([])
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_cell(sheet, h, font=Font(bold=True), alignment=wrap) for h in headers])


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _share(sheet, cell, red: bool):
    if cell is None:
        return NO_DATA
    if cell.percent is None:
        return None
    style = {"number_format": "0.0%"}
    if red:
        style.update(fill=RED, font=RED_FONT)
    return _cell(sheet, cell.percent / 100, **style)


HEADER_ROW = 4  # title, period, a blank line, then the column headings


def dashboard_xlsx(board: Dashboard) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Giám sát")
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    headers = ["Cơ quan", "Mã định danh"]
    for indicator in INDICATORS.values():
        headers += [f"{indicator.title} — số lượng", "Tổng số", "Tỷ lệ"]
    headers.append("Văn bản đi chưa kiểm tra chữ ký số")
    _title(sheet, "Giám sát việc thực hiện quy trình văn bản điện tử", board.period.label, headers)
    for row in [*board.rows, board.total]:
        values = ["  " * row.depth + row.label, row.code or None]
        for _, cell, red in row.columns():
            if cell is None:
                values += [NO_DATA, None, None]
            else:
                values += [cell.count, cell.total, _share(sheet, cell, red)]
        values.append(row.cells[UNSIGNED].unchecked)
        sheet.append(values)
    return _save(workbook)


def officials_xlsx(agency, period, rows, has_assignments: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Theo cán bộ")
    headers = ["Họ và tên", "Tên đăng nhập", "Vào sổ chậm (người vào sổ)"]
    headers += ["Việc được giao quá hạn", "Việc được giao trong kỳ"]
    headers += ["Văn bản ký phát hành thiếu chữ ký số", "Văn bản ký phát hành", "Chưa kiểm tra"]
    _title(sheet, f"Giám sát theo cán bộ — {agency.name}", period.label, headers)
    for r in rows:
        overdue = [NO_DATA, None] if r.overdue is None else [r.overdue.count, r.overdue.total]
        sheet.append(
            [r.user.full_name or r.user.username, r.user.username, r.late.count, *overdue]
            + [r.unsigned.count, r.unsigned.total, r.unsigned.unchecked]
        )
    return _save(workbook)


def items_xlsx(title: str, subtitle: str, listing: ItemList) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Danh sách")
    _title(sheet, title, subtitle, [label for label, _ in listing.headers])
    kinds = [kind for _, kind in listing.headers]
    if listing.items is None:
        sheet.append([NO_DATA])
        return _save(workbook)
    # iterator(): a long period's items stream from the database instead of piling up.
    for item in listing.items.iterator(chunk_size=2000):
        values = listing.row(item)
        sheet.append([_value(sheet, v, k) for v, k in zip(values, kinds, strict=True)])
    return _save(workbook)


def _value(sheet, value, kind: str):
    if value is None or value == "":
        return None
    if kind == DATE and isinstance(value, date):
        return _cell(sheet, value, number_format="DD/MM/YYYY")
    if kind == MOMENT and isinstance(value, datetime):
        return _cell(sheet, value, number_format="DD/MM/YYYY HH:MM")
    return value
