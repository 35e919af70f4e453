"""The verification code and QR code printed on an issued PDF.

Anyone holding the paper or the file types the short code, or scans the QR code, to reach
the public page ``/xac-thuc/<code>/`` which says who signed the document and whether this
system registered it as issued.

The stamp is drawn on page 1, in the bottom margin at the left, as an incremental update
(the earlier revision stays byte for byte). It must be added before the personal signature:
that signature certifies the document and afterwards only form filling and signing are
allowed, so ``stamp_verification`` refuses a PDF that already carries a signature.
"""

from __future__ import annotations

import io
import secrets
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.urls import reverse
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.stamp import TextStamp

from vanthu.signing import appearance
from vanthu.signing.appearance import mm
from vanthu.signing.errors import DocumentStateError

# Crockford's base 32: digits and capitals without I, L, O and U, so nothing printed can be
# read as something else; what people type is folded back (O→0, I/L→1) by ``normalise_code``.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits: guessing a code is hopeless behind the pages' rate limit
_TYPED_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

# Geometry of the stamp on page 1, in PDF points from the page's bottom-left corner.
QR_SIZE = mm(18)  # the whole symbol, quiet zone included
QR_LEFT = mm(25)
QR_BOTTOM = mm(3)
QUIET_MODULES = 2  # less than the standard 4: the white square keeps it readable on paper
TEXT_FONT_SIZE = 9
TEXT_WIDTH = 270.0
TEXT_GAP = mm(2.5)

# Resource names of the page; long and prefixed so they cannot collide with the producer's.
_XOBJECT_NAME = "/VanThuXacThucChu"


def new_verification_code() -> str:
    """A fresh random code in its stored form, e.g. ``K7QM3XPD`` (display: ``K7QM-3XPD``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The stored form of what someone typed or scanned, or None when it cannot be a code.

    Case, dashes, spaces and the look-alikes O/0 and I/L/1 do not matter."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in "- \t\r\n_.")
    cleaned = cleaned.translate(_TYPED_ALIASES)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_code(code: str) -> str:
    """``K7QM3XPD`` → ``K7QM-3XPD`` (groups of four are easy to read out and type)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def public_base_url() -> str:
    return (getattr(settings, "VANTHU_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL).rstrip("/")


def verification_url(code: str) -> str:
    """The address encoded in the QR code, e.g. ``https://vanthu.example.gov.vn/xac-thuc/K7QM-3XPD/``."""
    return public_base_url() + reverse("verify:document", args=[display_code(code)])


def _where_to_check(url: str) -> str:
    """What the stamp prints after "Kiểm tra tại:": host and path up to the public page."""
    parts = urlsplit(url)
    path = parts.path
    cut = path.find("/xac-thuc")
    if cut >= 0:
        path = path[: cut + len("/xac-thuc")]
    return f"{parts.netloc}{path}".rstrip("/")


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code for ``url`` (True = dark), without quiet zone.

    Error correction M at least (segno raises it when the size allows): a fold or a stain
    over the corner of the page still leaves it readable."""
    symbol = segno.make_qr(url, error="m")
    return [[bool(v) for v in row] for row in symbol.matrix]


def qr_geometry(url: str) -> tuple[float, float, float, int]:
    """(left, bottom, module size, modules per side) of the drawn symbol without its quiet
    zone, in PDF points relative to the page's MediaBox origin. Tests sample the rendering
    with it."""
    count = len(qr_matrix(url))
    module = QR_SIZE / (count + 2 * QUIET_MODULES)
    return (QR_LEFT + QUIET_MODULES * module, QR_BOTTOM + QUIET_MODULES * module, module, count)


def _qr_operators(url: str, origin: tuple[float, float]) -> bytes:
    """Vector drawing of the symbol: a white square, then one rectangle per horizontal run
    of dark modules (fewer operators than one per module, and no seams between them)."""
    matrix = qr_matrix(url)
    left, bottom, module, count = qr_geometry(url)
    ox, oy = origin
    ops = [
        "1 g",
        f"{ox + QR_LEFT:.3f} {oy + QR_BOTTOM:.3f} {QR_SIZE:.3f} {QR_SIZE:.3f} re f",
        "0 g",
    ]
    for r, row in enumerate(matrix):
        y = oy + bottom + (count - 1 - r) * module  # row 0 is the top of the symbol
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            ops.append(
                f"{ox + left + start * module:.3f} {y:.3f} {(c - start) * module:.3f} "
                f"{module:.3f} re"
            )
    ops.append("f")
    return ("\n".join(ops) + "\n").encode("ascii")


def _writer(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError) as exc:
        raise DocumentStateError("Tệp không phải PDF hợp lệ hoặc bị hỏng.") from exc
    if writer.prev.encrypted:
        raise DocumentStateError("Tệp PDF đã bị mã hóa; không thể in mã xác thực lên văn bản.")
    return writer


def _has_signature(writer: IncrementalPdfFileWriter) -> bool:
    if writer.prev.embedded_signatures:
        return True
    # A certification dictionary or a filled signature field without a parsable signature
    # still means someone signed this: never change it under them.
    perms = writer.root.get("/Perms")
    return perms is not None and len(perms) > 0


def has_signature(pdf_bytes: bytes) -> bool:
    """Whether the PDF already carries a signature (then it can no longer be stamped)."""
    return _has_signature(_writer(pdf_bytes))


def _page_origin(writer: IncrementalPdfFileWriter) -> tuple[float, float]:
    page_ref, _ = writer.find_page_for_modification(0)
    node = page_ref.get_object()
    while node is not None:
        if "/MediaBox" in node:
            x1, y1, _, _ = (float(v) for v in node["/MediaBox"])
            return (x1, y1)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return (0.0, 0.0)


def stamp_verification(pdf_bytes: bytes, *, code: str, url: str) -> bytes:
    """Draw the QR code of ``url`` and the verification code on page 1, bottom-left margin.

    Returns the PDF with one more revision. Raises ``DocumentStateError`` for a PDF that is
    damaged, encrypted or already signed (the stamp would break or be forbidden by the
    signature), or when ``code`` is not a verification code."""
    stored = normalise_code(code)
    if stored is None:
        raise DocumentStateError(f"Mã xác thực «{code}» không hợp lệ.")
    writer = _writer(pdf_bytes)
    if _has_signature(writer):
        raise DocumentStateError(
            "Văn bản đã được ký số: không thể in thêm mã xác thực vì sẽ làm mất hiệu lực chữ ký."
        )
    if appearance.page_count(writer) < 1:
        raise DocumentStateError("Tệp PDF không có trang nào.")
    origin = _page_origin(writer)

    lines = f"Mã xác thực: {display_code(stored)}\nKiểm tra tại: {_where_to_check(url)}"
    height = 2 * round(TEXT_FONT_SIZE * 1.2) + round(TEXT_FONT_SIZE * 0.3) + 4
    text = TextStamp(
        writer,
        appearance.text_style(font_size=TEXT_FONT_SIZE, align="left"),
        text_params={"text": lines},
        box=layout.BoxConstraints(width=TEXT_WIDTH, height=height),
    )
    text_ref = text.register()
    text_x = origin[0] + QR_LEFT + QR_SIZE + TEXT_GAP
    text_y = origin[1] + QR_BOTTOM + (QR_SIZE - height) / 2

    # The page's own content may leave the graphics state changed (a flipped CTM, a colour):
    # wrap it in q … Q so the stamp is drawn in plain page coordinates.
    save = writer.add_object(generic.StreamObject(stream_data=b"q\n"))
    writer.add_stream_to_page(0, save, prepend=True)
    body = b"Q\nq\n" + _qr_operators(url, origin)
    body += f"1 0 0 1 {text_x:.3f} {text_y:.3f} cm\n{_XOBJECT_NAME} Do\nQ\n".encode("ascii")
    stamp = writer.add_object(generic.StreamObject(stream_data=body))
    resources = generic.DictionaryObject(
        {pdf_name("/XObject"): generic.DictionaryObject({pdf_name(_XOBJECT_NAME): text_ref})}
    )
    writer.add_stream_to_page(0, stamp, resources=resources)

    out = io.BytesIO()
    try:
        writer.write(out)
    except (PdfError, ValueError) as exc:
        raise DocumentStateError("Không in được mã xác thực lên tệp PDF.") from exc
    return out.getvalue()


__all__ = [
    "display_code",
    "has_signature",
    "new_verification_code",
    "normalise_code",
    "stamp_verification",
    "verification_url",
]
