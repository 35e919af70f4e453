"""Signature and seal images for the demo people and agencies (transparent PNGs).

Real agencies scan the leader's signature in blue and the seal in red (Decree 30, Appendix I);
the demo draws stand-ins: a pen stroke whose shape depends on the person's name, and a round
red seal with the agency's name written around a star."""

from __future__ import annotations

import hashlib
import io
import math
from functools import cache

from PIL import Image, ImageDraw, ImageFont

BLUE = (18, 48, 185, 255)
RED = (212, 24, 32, 235)
FONT_PATHS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


def signature_png(full_name: str) -> bytes:
    """A flowing blue stroke, different for each name, on a transparent background."""
    seed = hashlib.sha256(full_name.encode()).digest()
    img = Image.new("RGBA", (520, 190), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    amplitude = 28 + seed[0] % 24
    period = 18 + seed[1] % 16
    slope = (seed[2] % 20 - 10) / 40
    points = [
        (40 + x, 95 + amplitude * math.sin(x / period) * math.exp(-x / 500) - slope * x)
        for x in range(0, 400, 3)
    ]
    draw.line(points, fill=BLUE, width=8, joint="curve")
    tail = 100 + seed[3] % 40
    draw.line([(70, 150), (470, tail)], fill=BLUE, width=5)
    return _png(img)


def seal_png(agency_name: str) -> bytes:
    """A red round seal: two rings, the agency's name around, a star in the middle."""
    size = 520
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    centre = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=16)
    draw.ellipse((118, 118, size - 118, size - 118), outline=RED, width=7)
    star = [
        (centre + r * math.sin(i * math.pi / 5), centre - r * math.cos(i * math.pi / 5))
        for i, r in zip(range(10), [95, 38] * 5, strict=True)
    ]
    draw.polygon(star, fill=RED)
    _text_around(img, agency_name.upper(), radius=centre - 62)
    return _png(img)


def _text_around(img: Image.Image, text: str, *, radius: float) -> None:
    """Write ``text`` clockwise along the top of a circle, one rotated glyph at a time."""
    font = _font(34)
    centre = img.width / 2
    span = min(300.0, 11.0 * len(text))  # degrees the text covers
    step = span / max(1, len(text))
    start = -90 - span / 2 + step / 2
    for i, char in enumerate(text):
        if char == " ":
            continue
        angle = math.radians(start + i * step)
        glyph = Image.new("RGBA", (48, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((24, 24), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-(start + i * step) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - 24
        y = centre + radius * math.sin(angle) - 24
        img.alpha_composite(glyph, (round(x), round(y)))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()
