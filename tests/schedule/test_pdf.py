"""The printable weekly calendar: A4 landscape in Noto Serif, the agency and the heading
with the week's dates, each entry's row with correct Vietnamese diacritics, holidays."""

from __future__ import annotations

import re
import subprocess

from django.urls import reverse

from tests.schedule.helpers import CONTENT, WEEK, YEAR, add_entry
from vanthu.schedule import actions

PDF_URL = reverse("schedule:pdf", kwargs={"year": YEAR, "week": WEEK})


def _run(tool: str, content: bytes, *args: str) -> str:
    """A Poppler tool reading the PDF from stdin ("-")."""
    result = subprocess.run(
        [f"/usr/bin/{tool}", *args, "-"],
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


def _text(content: bytes) -> str:
    return " ".join(_run("pdftotext", content, "-enc", "UTF-8", "-").split())


def test_the_published_week_prints_with_heading_entries_and_holidays(client, world):
    add_entry(world, preparing_department=world.kt_ubnd)
    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    client.force_login(world.specialist_ubnd)
    response = client.get(PDF_URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "lich-cong-tac_000.00.00.H41_2026-W36.pdf" in response["Content-Disposition"]
    content = response.content
    text = _text(content)
    assert "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" in text
    assert "LỊCH CÔNG TÁC TUẦN 36 (từ ngày 31/08/2026 đến ngày 06/09/2026)" in text
    for expected in (
        "Thời gian",
        "Nội dung",
        "Địa điểm",
        "Chủ trì",
        "Thành phần",
        "Đơn vị chuẩn bị",
        "Sáng 07h30 – 11h00",
        "Thường trực Ủy ban nhân dân tỉnh",
        "Trần Văn Chủ Tịch",
        "Phòng Kinh tế",
        "Thứ Tư, 02/09/2026 — Nghỉ: Quốc khánh (2/9)",
        "Thứ Năm, 03/09/2026",
    ):
        assert expected in text, expected
    assert " ".join(CONTENT.split()[:6]) in text
    assert "DỰ THẢO" not in text and "Điều chỉnh" not in text

    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", _run("pdfinfo", content))
    assert size and float(size[1]) > float(size[2])  # A4 landscape: wider than tall
    assert "Noto-Serif" in _run("pdffonts", content)  # embedded, every page


def test_an_adjusted_week_prints_its_revision_and_editors_print_the_draft(client, world):
    entry = add_entry(world)
    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    actions.delete_entry(world.clerk_ubnd, entry)
    client.force_login(world.leader_ubnd)
    text = _text(client.get(PDF_URL).content)
    assert "DỰ THẢO — CHƯA CÔNG BỐ" in text and "Thường trực" not in text

    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    client.force_login(world.specialist_ubnd)
    text = _text(client.get(PDF_URL).content)
    assert "(Điều chỉnh lần 1)" in text and "DỰ THẢO" not in text


def test_staff_of_another_agency_get_no_pdf(client, world):
    add_entry(world)
    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    client.force_login(world.specialist_stc)
    assert client.get(PDF_URL, {"agency": world.ubnd.code}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(PDF_URL).status_code == 404
