"""Places found from the draft's own text: the signature above the signer's printed name, the
number after "Số:", the date after the place name; defaults when a draft has no anchors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.signing import tools
from vanthu.signing import layout, pades

SIGNER = "Nguyễn Văn An"


def _draft(number_line: str = "Số:", date_line: str = "Nghệ An,", name: str = SIGNER) -> bytes:
    from weasyprint import HTML

    html = f"""<html><head><style>@page {{ size: A4; margin: 20mm 15mm 20mm 30mm }}
    body {{ font-family: 'Noto Serif'; font-size: 13pt }} td {{ width: 50%;
    text-align: center; vertical-align: top }}</style></head><body>
    <table style="width:100%"><tr><td>ỦY BAN NHÂN DÂN<br><b>TỈNH NGHỆ AN</b><br>{number_line}</td>
    <td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b>
    <div style="text-align:left; padding-left:6mm"><i>{date_line}</i></div></td></tr></table>
    <p style="margin-top:30mm">Nội dung văn bản.</p>
    <table style="width:100%; margin-top:20mm"><tr><td>Nơi nhận: Như trên.</td>
    <td><b>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b><br><br><br><br><b>{name}</b></td></tr></table>
    </body></html>"""
    return HTML(string=html).write_pdf()


def _words(pdf: bytes, text: str) -> layout.Word:
    pages = layout.read_pages(pdf, 1, 1)
    assert pages
    return next(w for w in pages[0].words if w.text == text)


def test_the_signature_goes_in_the_blank_above_the_signers_name():
    tools.require_tool("pdftotext")
    pdf = _draft()
    placement = layout.find_placement(pdf, page_count=1, signer_name=SIGNER)
    assert placement.signature_page == 0 and placement.signature_box is not None
    x0, y0, x1, y1 = placement.signature_box
    page = layout.read_pages(pdf, 1, 1)[0]
    name = _words(pdf, "Nguyễn")
    last = _words(pdf, "An")
    centre = (name.x0 + max(w.x1 for w in page.words if w.top == last.top)) / 2
    assert abs((x0 + x1) / 2 - centre) < 2  # centred on the printed name
    assert page.height - name.top < y0 + 6  # just above the name …
    title = _words(pdf, "PHÓ")
    assert y1 <= page.height - title.bottom  # … and below the position line
    assert 36 <= y1 - y0 <= 85


def test_number_and_date_follow_their_anchors_and_are_written_as_the_decree_prints_them():
    tools.require_tool("pdftotext")
    pdf = _draft()
    placement = layout.find_placement(pdf, page_count=1, signer_name=SIGNER)
    assert placement.fields is not None and not placement.number_only
    page = layout.read_pages(pdf, 1, 1)[0]
    so = _words(pdf, "Số:")
    assert placement.fields.number_box[0] == pytest.approx(so.x1 + 3)
    comma = _words(pdf, "An,")
    assert placement.fields.date_box[0] == pytest.approx(comma.x1 + 4)
    assert placement.fields.date_box[3] == pytest.approx(page.height - comma.top)
    assert layout.issue_texts(
        pdf, reference="05/QĐ-UBND", number_text="05", issued_on=dt.date(2026, 3, 5)
    ) == ("05/QĐ-UBND", "ngày 05 tháng 3 năm 2026")


def test_a_printed_notation_leaves_only_the_number_to_fill():
    tools.require_tool("pdftotext")
    pdf = _draft(number_line="Số:&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/QĐ-UBND")
    placement = layout.find_placement(pdf, page_count=1, signer_name=SIGNER)
    assert placement.number_only and placement.fields is not None
    notation = _words(pdf, "/QĐ-UBND")
    assert placement.fields.number_box[2] == pytest.approx(notation.x0 - 1)
    number, _ = layout.issue_texts(
        pdf, reference="05/QĐ-UBND", number_text="05", issued_on=dt.date(2026, 3, 5)
    )
    assert number == "05"


def test_without_anchors_the_defaults_stay():
    tools.require_tool("pdftotext")
    pdf = _draft(number_line="", date_line="Nghệ An, ngày … tháng … năm 2026", name="")
    placement = layout.find_placement(pdf, page_count=1, signer_name="Trần Thị Bình")
    assert placement == layout.Placement()
    assert layout.issue_texts(
        pdf, reference="05/QĐ-UBND", number_text="05", issued_on=dt.date(2026, 1, 9)
    ) == ("05/QĐ-UBND", "09/01/2026")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (dt.date(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
    ],
)
def test_dates_in_words_follow_decree_30(day, text):
    assert layout.date_in_words(day) == text


def test_the_fields_land_where_they_were_found(images, person_signer):
    tools.require_tool("pdftotext")
    pdf = _draft()
    placement = layout.find_placement(pdf, page_count=1, signer_name=SIGNER)
    signed = pades.sign_personal(
        pdf,
        person_signer,
        image_png=images["signature"],
        box=placement.signature_box,
        page=placement.signature_page,
        field_layout=placement.fields,
    )
    reader = PdfFileReader(io.BytesIO(signed))
    rects = {
        str(a.get_object()["/T"]): [float(v) for v in a.get_object()["/Rect"]]
        for a in reader.root["/AcroForm"]["/Fields"]
    }
    assert rects[pades.NUMBER_FIELD][0] == pytest.approx(placement.fields.number_box[0], abs=1)
    assert rects[pades.PERSONAL_FIELD][1] == pytest.approx(placement.signature_box[1], abs=1)
    tools.rasterise(signed, 1, "layout-anchored")
