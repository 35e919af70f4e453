"""What signatures and filled-in fields look like on the page (Decree 30/2020, Appendix I).

* Personal signature: the signer's blue transparent PNG, scaled to fit and centred in the box
  between the position line and the name.
* Agency signature: the red seal PNG at its real size (default 36 mm), overlapping about a third
  of the personal signature on its left (``seal_box_for``).
* Attachments and electronic copies: no image, a text block top-right of page 1 in a Times-like
  serif at 10 pt. Noto Serif is used: pyHanko mis-spaces fonts whose unitsPerEm is not 1000
  (DejaVu, Liberation), and the glyph factory's size must equal the text box's.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStamp, TextStampStyle

from vanthu.signing.errors import DocumentStateError

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom-left

FONT_SERIF = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
A4 = (595.28, 841.89)

_ALIGN = {
    "left": layout.AxisAlignment.ALIGN_MIN,
    "centre": layout.AxisAlignment.ALIGN_MID,
    "right": layout.AxisAlignment.ALIGN_MAX,
}


def mm(value: float) -> float:
    return value * 72 / 25.4


def iso_vn(moment: dt.datetime | None = None) -> str:
    """ISO 8601 with the Vietnamese offset, e.g. ``2026-03-05T09:15:00+07:00``."""
    moment = moment or dt.datetime.now(VN_TZ)
    if moment.tzinfo is None:
        raise ValueError("signing time must be timezone-aware")
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def seal_box_for(personal_box: Box, diameter_mm: float = 36.0) -> Box:
    """The seal's square box: real size, vertically centred on the personal signature box,
    its right edge one third into that box (so it covers the signature's left third)."""
    x1, y1, x2, y2 = personal_box
    d = mm(diameter_mm)
    right = x1 + (x2 - x1) / 3
    cy = (y1 + y2) / 2
    return (right - d, cy - d / 2, right, cy + d / 2)


def image_style(png: bytes) -> StaticStampStyle:
    try:
        img = Image.open(io.BytesIO(png))
        img.load()
    except OSError as exc:
        raise DocumentStateError("Ảnh chữ ký/con dấu không phải tệp PNG hợp lệ.") from exc
    if img.mode not in ("RGBA", "LA", "P", "PA"):
        raise DocumentStateError("Ảnh chữ ký/con dấu phải là PNG nền trong suốt.")
    return StaticStampStyle(
        background=PdfImage(img),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def text_style(
    *, font_size: int = 10, align: str = "left", font_file: str = FONT_SERIF
) -> TextStampStyle:
    return TextStampStyle(
        stamp_text="%(text)s",
        border_width=0,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(font_file, font_size=font_size),
            font_size=font_size,
            leading=round(font_size * 1.2),
            # pyHanko's default 10 pt text-box margins would shrink the text to fit; the last
            # baseline sits on the box's bottom edge, so keep room for the descenders.
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(bottom=round(font_size * 0.3)),
            ),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=_ALIGN[align],
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )


def page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def absolute_page(writer: IncrementalPdfFileWriter, page: int) -> int:
    count = page_count(writer)
    index = page + count if page < 0 else page
    if not 0 <= index < count:
        raise DocumentStateError(f"Văn bản không có trang số {page + 1} (chỉ có {count} trang).")
    return index


def page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
    page_ref, _ = writer.find_page_for_modification(page)
    node = page_ref.get_object()
    while node is not None:
        if "/MediaBox" in node:
            x1, y1, x2, y2 = (float(v) for v in node["/MediaBox"])
            return (x2 - x1, y2 - y1)
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return A4


def top_right_box(writer: IncrementalPdfFileWriter, lines: int, width: float = 240) -> Box:
    """Cell 14 / attachment block: inside the top margin, against the right margin."""
    page_w, page_h = page_size(writer, 0)
    height = lines * 12 + 7
    right = page_w - mm(15)
    top = page_h - mm(5)
    return (right - width, top - height, right, top)


def find_field(writer: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject | None:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return None
    for ref in fields:
        if ref.get_object().get("/T") == name:
            return ref
    return None


def is_signed(writer: IncrementalPdfFileWriter, name: str) -> bool:
    ref = find_field(writer, name)
    return ref is not None and "/V" in ref.get_object()


def add_text_field(writer: IncrementalPdfFileWriter, name: str, page: int, box: Box) -> None:
    """An empty single-line text field (merged field + widget), drawn blank until filled.

    Must run after a signature field was added in the same revision, so /AcroForm exists.
    """
    page_ref, _ = writer.find_page_for_modification(page)
    form = writer.root["/AcroForm"]
    if "/DR" not in form:
        # A standard font for viewers that regenerate appearances; ours carry their own.
        helv = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
        form[pdf_name("/DR")] = generic.DictionaryObject(
            {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): helv})}
        )
        writer.update_container(form)
    x1, y1, x2, y2 = box
    blank = RawContent(b"", box=layout.BoxConstraints(width=x2 - x1, height=y2 - y1))
    field = generic.DictionaryObject(
        {
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): pdf_string("/Helv 0 Tf 0 g"),
            pdf_name("/AP"): generic.DictionaryObject(
                {pdf_name("/N"): writer.add_object(blank.as_form_xobject())}
            ),
        }
    )
    ref = writer.add_object(field)
    fields = form["/Fields"]
    fields.append(ref)
    writer.update_container(fields)
    writer.register_annotation(page_ref, ref)


def fill_text_field(
    writer: IncrementalPdfFileWriter,
    name: str,
    value: str,
    *,
    font_size: int = 13,
    align: str = "left",
) -> None:
    """Set /V, draw a new appearance stream with the embedded Noto font, and make the field
    read-only: all of which a FILL_FORMS certification permits."""
    ref = find_field(writer, name)
    if ref is None:
        raise DocumentStateError(f"Văn bản không có ô «{name}» để điền.")
    field = ref.get_object()
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    stamp = TextStamp(
        writer,
        text_style(font_size=font_size, align=align),
        text_params={"text": value},
        box=layout.BoxConstraints(width=x2 - x1, height=y2 - y1),
    )
    field[pdf_name("/V")] = pdf_string(value)
    field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): stamp.register()})
    field[pdf_name("/Ff")] = generic.NumberObject(int(field.get("/Ff", 0)) | 1)  # ReadOnly
    writer.mark_update(ref)


def widget_box(writer: IncrementalPdfFileWriter, name: str) -> Box | None:
    ref = find_field(writer, name)
    if ref is None:
        return None
    x1, y1, x2, y2 = (float(v) for v in ref.get_object()["/Rect"])
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
