"""Helpers of the signing tests: system tools (pdfsig, pdftoppm, SoftHSM), sample inputs
(a two-page Vietnamese decree from WeasyPrint, the signature and seal PNGs) and pixel checks."""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from vanthu.signing.appearance import Box, mm
from vanthu.signing.pades import FieldLayout

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "signing"
A4_H_MM = 297.0


def unavailable(message: str) -> None:
    """In CI a missing system tool fails the test; on a developer machine it skips with why."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"thiếu công cụ «{name}» (apt-get install poppler-utils softhsm2 opensc)")
    assert path is not None
    return path


def page_box(left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> Box:
    """A box given like CSS (from the page's top-left, in mm) → PDF points from bottom-left."""
    return (mm(left_mm), mm(A4_H_MM - bottom_mm), mm(right_mm), mm(A4_H_MM - top_mm))


@dataclass(frozen=True)
class SampleDocument:
    pdf: bytes
    personal_box: Box
    fields: FieldLayout


def decree_pdf() -> SampleDocument:
    from weasyprint import HTML

    def at(top: float, left: float, text: str, width: float = 80, extra: str = "") -> str:
        return (
            f"<div style='position:absolute; top:{top}mm; left:{left}mm; width:{width}mm;"
            f" text-align:center; {extra}'>{text}</div>"
        )

    page1 = "".join(
        [
            at(20, 20, "ỦY BAN NHÂN DÂN<br><b>TỈNH THỬ NGHIỆM</b>"),
            at(
                20,
                95,
                "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b>",
                110,
                "font-size: 12pt",
            ),
            at(38, 30, "Số:", 10, "text-align:left"),
            at(
                55,
                30,
                "<b>QUYẾT ĐỊNH</b><br>Về việc phê duyệt kế hoạch chuyển đổi số năm 2026",
                150,
            ),
            at(
                75,
                30,
                "Căn cứ Luật Tổ chức chính quyền địa phương; xét đề nghị của Giám đốc "
                "Sở Tài chính tỉnh Thử nghiệm,",
                165,
                "text-align:justify",
            ),
            at(95, 30, "<b>QUYẾT ĐỊNH:</b>", 165),
            at(
                105,
                30,
                "Điều 1. Phê duyệt kế hoạch chuyển đổi số của Ủy ban nhân dân tỉnh "
                "năm 2026 với các nội dung chủ yếu kèm theo Quyết định này.",
                165,
                "text-align:justify",
            ),
        ]
    )
    page2 = "".join(
        [
            at(
                20,
                30,
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký ban hành.",
                165,
                "text-align:left",
            ),
            at(
                45,
                30,
                "<i><b>Nơi nhận:</b></i><br>- Như Điều 2;<br>- Lưu: VT.",
                60,
                "text-align:left",
            ),
            at(45, 110, "<b>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b>", 80),
            at(92, 110, "<b>Nguyễn Văn An</b>", 80),
        ]
    )
    page = "position:relative; width:210mm; height:297mm; overflow:hidden;"
    html = (
        "<html><head><style>@page { size: A4; margin: 0 } body { margin: 0;"
        " font-family: 'Noto Serif'; font-size: 13pt }</style></head><body>"
        f"<div style='{page} page-break-after: always'>{page1}</div>"
        f"<div style='{page}'>{page2}</div></body></html>"
    )
    return SampleDocument(
        pdf=HTML(string=html).write_pdf(),
        personal_box=page_box(115, 60, 185, 90),
        fields=FieldLayout(
            page=0,
            number_box=page_box(38, 37, 85, 44),
            date_box=page_box(105, 37, 200, 44),
        ),
    )


def signature_png() -> bytes:
    """A blue handwritten-like stroke on a transparent background."""
    img = Image.new("RGBA", (480, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [(30 + x, 100 + 45 * math.sin(x / 28) - x / 8) for x in range(0, 420, 3)]
    draw.line(points, fill=(20, 45, 190, 255), width=9, joint="curve")
    draw.line([(60, 150), (430, 120)], fill=(20, 45, 190, 255), width=6)
    return _png(img)


def seal_png() -> bytes:
    """A red round seal on a transparent background."""
    img = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (215, 25, 30, 235)
    draw.ellipse((8, 8, 492, 492), outline=red, width=18)
    draw.ellipse((70, 70, 430, 430), outline=red, width=8)
    star = [
        (250 + r * math.sin(i * math.pi / 5), 250 - r * math.cos(i * math.pi / 5))
        for i, r in zip(range(10), [110, 45] * 5, strict=True)
    ]
    draw.polygon(star, fill=red)
    return _png(img)


def opaque_png() -> bytes:
    """A scan-like white PNG without an alpha channel: refused as a signature image."""
    return _png(Image.new("RGB", (40, 20), (255, 255, 255)))


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


# -- Poppler ----------------------------------------------------------------------------------


def pdfsig(path: Path) -> list[dict[str, str | bool]]:
    """Parse `pdfsig -nocert` into one dict per signature field (name, type, ranges, total,
    validation); an empty signature field has ``signed`` False."""
    tool = require_tool("pdfsig")
    proc = subprocess.run([tool, "-nocert", str(path)], capture_output=True, text=True, timeout=60)
    signatures: list[dict[str, str | bool]] = []
    for raw in proc.stdout.splitlines():
        line = raw.strip()
        if line.startswith("Signature #"):
            signatures.append({"total": False, "signed": True})
        elif signatures and line == "The signature form field is not signed.":
            signatures[-1]["signed"] = False
        elif signatures and line.startswith("- "):
            item = line[2:]
            current = signatures[-1]
            if item == "Total document signed":
                current["total"] = True
            elif ": " in item:
                key, value = item.split(": ", 1)
                current[key] = value
    return signatures


def rasterise(pdf: bytes, page: int, name: str) -> Image.Image:
    """Render one page (1-based) at 72 dpi, so one pixel is one PDF point; keep the PNG."""
    tool = require_tool("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    prefix = ARTIFACTS / f"{name}-p{page}"
    subprocess.run(
        [
            tool,
            "-r",
            "72",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(source),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    return Image.open(prefix.with_suffix(".png")).convert("RGB")


def count_pixels(img: Image.Image, box: Box, kind: str) -> int:
    """Pixels of a colour family inside a PDF-coordinate box of a 72-dpi rendering."""
    x1, y1, x2, y2 = box
    height = img.height
    region = img.crop((int(x1), int(height - y2), math.ceil(x2), math.ceil(height - y1)))
    tests = {
        "blue": lambda r, g, b: b > 120 and b > r + 60 and b > g + 40,
        "red": lambda r, g, b: r > 150 and r > g + 80 and r > b + 80,
        "ink": lambda r, g, b: r + g + b < 450,
    }
    test = tests[kind]
    data = region.tobytes()
    return sum(1 for i in range(0, len(data), 3) if test(data[i], data[i + 1], data[i + 2]))
