"""The PDF and XLSX exports: real files, Vietnamese text intact, the register's header."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime

import openpyxl
from django.urls import reverse

from tests.reports.make import forward, issue_outgoing, moment, register_incoming
from vanthu.reports import views
from vanthu.reports.catalogue import REGISTERS
from vanthu.reports.exports import Period, render_pdf

SUBJECT = "Về việc hướng dẫn quyết toán kinh phí đầu tư xây dựng"


def _export(client, world, register, export):
    params = {
        "agency": world.ubnd.code,
        "register": register,
        "from": "2026-03-01",
        "to": "2026-03-31",
        "format": export,
    }
    return client.get(reverse("reports:register"), params)


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return " ".join(result.stdout.decode().split())


def test_pdf_of_the_incoming_register_keeps_every_diacritic(client, world):
    doc = register_incoming(world, SUBJECT, at=moment(date(2026, 3, 3)))
    forward(world, doc, at=moment(date(2026, 3, 4)))
    client.force_login(world.clerk_ubnd)
    response = _export(client, world, "van-ban-den", "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="so-van-ban-den_000.00.00.H41_20260301-20260331.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert SUBJECT in text
    assert "Đơn vị hoặc người nhận" in text and "Phòng Kinh tế" in text
    assert "Trang 1/1" in text


def test_pdf_of_the_outgoing_register(client, world):
    issue_outgoing(world, "Về việc đề nghị bổ sung kinh phí", on=date(2026, 3, 9))
    client.force_login(world.leader_ubnd)
    text = _pdf_text(_export(client, world, "van-ban-di", "pdf").content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "01/UBND-KT" in text
    assert "Về việc đề nghị bổ sung kinh phí" in text


def test_a_long_register_repeats_its_header_and_numbers_pages(world):
    register = REGISTERS["gui-buu-dien"]
    rows = [(date(2026, 3, 2), f"{n:02d}/UBND-KT", "Bộ Tài chính", 1, "", "") for n in range(90)]
    period = Period(register, world.ubnd, date(2026, 3, 1), date(2026, 3, 31))
    text = _pdf_text(render_pdf(period, rows))
    pages = text.count("Ký nhận và dấu bưu điện")
    assert pages >= 2 and f"Trang {pages}/{pages}" in text and "Trang 1/" in text


def test_pdf_refuses_a_period_too_long_to_print(client, world, monkeypatch):
    monkeypatch.setattr(views, "PDF_MAX_ROWS", 0)
    register_incoming(world, SUBJECT, at=moment(date(2026, 3, 3)))
    client.force_login(world.clerk_ubnd)
    response = _export(client, world, "van-ban-den", "pdf")
    assert response.status_code == 400 and "xuất Excel" in response.content.decode()


def test_xlsx_of_the_incoming_register_has_the_header_and_real_dates(client, world):
    doc = register_incoming(world, SUBJECT, at=moment(date(2026, 3, 3)))
    forward(world, doc, at=moment(date(2026, 3, 4)))
    client.force_login(world.clerk_ubnd)
    response = _export(client, world, "van-ban-den", "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('_20260301-20260331.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Sổ đăng ký văn bản đến"]
    assert sheet["A1"].value == "Ủy ban nhân dân tỉnh Nghệ An"
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    header = [c.value for c in sheet[5]]
    assert header == [c.label for c in REGISTERS["van-ban-den"].columns]
    assert all(c.font.bold for c in sheet[5])
    row = [c.value for c in sheet[6]]
    assert row[:6] == [
        datetime(2026, 3, 3),
        1,
        "Bộ Tài chính",
        "12/TB-BTC",
        datetime(2026, 3, 2),
        f"Thông báo: {SUBJECT}",
    ]
    assert sheet["A6"].number_format == "DD/MM/YYYY" and sheet["B6"].number_format == "00"
    assert sheet.column_dimensions["F"].width == 45
    assert sheet.max_row == 6


def test_xlsx_of_every_register_opens_with_its_columns(client, world):
    client.force_login(world.clerk_ubnd)
    for slug, register in REGISTERS.items():
        response = _export(client, world, slug, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.title == register.sheet_title
        assert [c.value for c in sheet[5]] == [c.label for c in register.columns]
