"""A register as a printable PDF (WeasyPrint) or a spreadsheet (openpyxl).

Both take the register's rows as they come from registers.py and only lay them out; the
same display() formats a cell for the HTML preview and the PDF, so the two always agree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vanthu.directory.models import Agency
from vanthu.reports.catalogue import DATE, ORDINAL, Register

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
HEADER_ROW = 5  # agency, title, period and a blank line come first, as on the paper cover


@dataclass(frozen=True)
class Period:
    register: Register
    agency: Agency
    date_from: date
    date_to: date

    @property
    def label(self) -> str:
        return f"Từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"

    def filename(self, extension: str) -> str:
        # ASCII on purpose: some mail gateways of the closed networks mangle UTF-8 names.
        return (
            f"so-{self.register.slug}_{self.agency.code}_"
            f"{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}.{extension}"
        )


def display(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == DATE:
        return f"{value:%d/%m/%Y}"
    if kind == ORDINAL:
        return f"{value:02d}"  # số đến is written 01, 02, … as in the paper register
    return str(value)


def display_rows(register: Register, rows) -> list[list[tuple[str, str]]]:
    """Each cell as (text, kind): the kind becomes a CSS class, so dates never wrap."""
    kinds = [c.kind for c in register.columns]
    return [[(display(v, k), k) for v, k in zip(row, kinds, strict=True)] for row in rows]


def render_pdf(period: Period, rows) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts on import, which every web process
    # would otherwise pay at start-up for a page few people open.
    from weasyprint import HTML

    columns = period.register.columns
    total = sum(c.width for c in columns)
    html = render_to_string(
        "reports/register_pdf.html",
        {
            "period": period,
            # A string, not a float: the Vietnamese locale would print "12,5" into the CSS.
            "columns": [(c, f"{100 * c.width / total:.2f}") for c in columns],
            "rows": display_rows(period.register, rows),
        },
    )
    return HTML(string=html).write_pdf()


def render_xlsx(period: Period, rows) -> bytes:
    register = period.register
    workbook = Workbook(write_only=True)  # streams rows: a big period stays in flat memory
    sheet = workbook.create_sheet(title=register.sheet_title)
    for index, column in enumerate(register.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"  # the header stays in view while scrolling

    sheet.append([_cell(sheet, period.agency.name, font=Font(bold=True))])
    sheet.append([_cell(sheet, register.title, font=Font(bold=True, size=14))])
    sheet.append([period.label])
    sheet.append([])
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(
        [_cell(sheet, c.label, font=Font(bold=True), alignment=wrap) for c in register.columns]
    )
    kinds = [c.kind for c in register.columns]
    for row in rows:
        sheet.append([_xlsx_value(sheet, v, k) for v, k in zip(row, kinds, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _xlsx_value(sheet, value, kind: str):
    # Real dates and numbers, so that the register can be sorted and filtered in Excel.
    if value is None or value == "":
        return None
    if kind == DATE:
        return _cell(sheet, value, number_format=DATE_FORMAT)
    if kind == ORDINAL:
        return _cell(sheet, value, number_format="00")
    return value
