"""What signatures and filled-in fields look like on the page (Decree 30/2020, Appendix I).

* Personal signature: the signer's blue transparent PNG, scaled to fit and centred in the box
  between the position line and the name.
* Agency signature: the red seal PNG at its real size (default 36 mm), overlapping about a third
  of the personal signature on its left (``seal_box_for``).
* Attachments and electronic copies: no image, a text block top-right of page 1 in a Times-like
  serif at 10 pt. Noto Serif is used: pyHanko mis-spaces fonts whose unitsPerEm is not 1000
  (DejaVu, Liberation), and the glyph factory's size must equal the text box's.

Speed: every text appearance embeds a subset of its font, and fontTools decodes the whole
font's layout tables to make it (Noto Serif: 3,256 glyphs, ~0.5 s a signature). Text is
therefore set in ``vietnamese_font``, a copy of the font reduced once to Latin, Vietnamese and
common punctuation, without layout tables or hinting (kept on disk, rebuilt when the font
changes): ~10× faster to subset. Text with a character outside it falls back to the full font. PNG images are decoded once per content (by SHA-256).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import fontTools
from fontTools import subset as ft_subset
from fontTools import ttLib
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


# What official documents print: ASCII, Latin-1 and Latin Extended-A/B (Ơ ơ Ư ư), combining
# diacritics, Latin Extended Additional (the precomposed Vietnamese letters), punctuation,
# currency (₫) and letter-like symbols (№).
VIETNAMESE_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
)
_FONT_LOCK = threading.Lock()
_REDUCED_FONTS: dict[str, tuple[str, frozenset[int]]] = {}


def _font_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"vanthu-fonts-{os.getuid()}"


def vietnamese_font(font_file: str = FONT_SERIF) -> tuple[str, frozenset[int]]:
    """Path of ``font_file`` reduced to ``VIETNAMESE_RANGES``, and the code points it covers. Built on first use (a few seconds)
    and kept in the temporary directory under a name that changes with the font's content;
    on any failure, the full font is used."""
    with _FONT_LOCK:
        known = _REDUCED_FONTS.get(font_file)
        # The temporary directory may be cleaned under a long-running server: rebuild then.
        if known is not None and Path(known[0]).exists():
            return known
        try:
            source = Path(font_file).read_bytes()
            tag = hashlib.sha256(
                source + repr((VIETNAMESE_RANGES, fontTools.version)).encode()
            ).hexdigest()[:16]
            target = _font_cache_dir() / f"{Path(font_file).stem}-vi-{tag}.ttf"
            if not target.exists():
                font = ttLib.TTFont(io.BytesIO(source))
                options = ft_subset.Options()
                # No layout tables: decoding Noto's GPOS is what made each subset slow, and
                # pyHanko drops them from the embedded subset anyway. HarfBuzz still composes
                # decomposed Vietnamese letters through the cmap; only kerning is lost.
                options.layout_features = []
                options.drop_tables += ["GPOS", "GSUB", "GDEF", "DSIG"]
                options.hinting = False
                options.glyph_names = True  # deriving names from the cmap costs more
                options.notdef_outline = True
                subsetter = ft_subset.Subsetter(options)
                subsetter.populate(
                    unicodes=[u for lo, hi in VIETNAMESE_RANGES for u in range(lo, hi + 1)]
                )
                subsetter.subset(font)
                # Noto ships without glyph names (post format 3), so every load rebuilt them
                # from the cmap; store them instead.
                font["post"].formatType = 2.0
                font["post"].extraNames = []
                font["post"].mapping = {}
                target.parent.mkdir(mode=0o700, exist_ok=True)
                partial = target.with_suffix(f".{os.getpid()}.part")
                font.save(str(partial))
                os.replace(partial, target)  # other processes see all of it or nothing
            covered = frozenset(ttLib.TTFont(str(target), lazy=True).getBestCmap())
            known = (str(target), covered)
        except Exception:  # noqa: BLE001 - a reduced font is an optimisation only
            known = (font_file, frozenset())
        _REDUCED_FONTS[font_file] = known
        return known


def font_for(text: str | None, font_file: str = FONT_SERIF) -> str:
    """The reduced font when it can draw ``text`` (or when no text is given), else the full
    one."""
    reduced, covered = vietnamese_font(font_file)
    if not covered:
        return font_file
    if text is not None and not all(ord(ch) in covered for ch in text if ch not in "\r\n\t"):
        return font_file
    return reduced


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


_IMAGES: dict[str, Image.Image] = {}
_IMAGES_MAX = 64


def _decoded_png(png: bytes) -> Image.Image:
    """The decoded image, once per content (SHA-256): the same signature or seal image is
    stamped on every document. Never modified afterwards (PdfImage only reads it)."""
    digest = hashlib.sha256(png).hexdigest()
    cached = _IMAGES.get(digest)
    if cached is not None:
        return cached
    try:
        img = Image.open(io.BytesIO(png))
        img.load()
    except OSError as exc:
        raise DocumentStateError("Ảnh chữ ký/con dấu không phải tệp PNG hợp lệ.") from exc
    if img.mode not in ("RGBA", "LA", "P", "PA"):
        raise DocumentStateError("Ảnh chữ ký/con dấu phải là PNG nền trong suốt.")
    if len(_IMAGES) >= _IMAGES_MAX:
        _IMAGES.pop(next(iter(_IMAGES)), None)
    _IMAGES[digest] = img
    return img


def image_style(png: bytes) -> StaticStampStyle:
    img = _decoded_png(png)
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
    *,
    font_size: int = 10,
    align: str = "left",
    font_file: str = FONT_SERIF,
    text: str | None = None,
) -> TextStampStyle:
    """``text``, when known, selects the full font if the reduced one cannot draw it."""
    return TextStampStyle(
        stamp_text="%(text)s",
        border_width=0,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(font_for(text, font_file), font_size=font_size),
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
        text_style(font_size=font_size, align=align, text=value),
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
