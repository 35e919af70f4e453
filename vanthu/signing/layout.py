"""Where the signature image, the number and the date go on a draft, found from its own text.

Drafts come from Word or LibreOffice with the Appendix I layout, not at fixed coordinates, so
the places are read from the PDF's words (Poppler's ``pdftotext -bbox``):

* the personal signature: the blank space above the signer's printed name (or the "Họ và
  tên" placeholder of a template), centred on it;
* the number (cell 3): right after "Số:" on page 1. When the draft already prints the
  notation after a gap ("Số:      /QĐ-UBND"), only the number goes into the gap;
* the date (cell 4): right after the place name and its comma ("Nghệ An,") under the motto,
  written out as Decree 30 prints it: "ngày 05 tháng 3 năm 2026".

A draft without these anchors keeps the default places; a missing ``pdftotext`` too (logged).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from vanthu.signing.appearance import Box
from vanthu.signing.pades import FieldLayout
from vanthu.textfold import fold

logger = logging.getLogger(__name__)

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
NAME_PLACEHOLDER = "Họ và tên"
SIGNATURE_WIDTH = 170.0
SIGNATURE_MAX_HEIGHT = 85.0
SIGNATURE_MIN_HEIGHT = 36.0
NUMBER_WIDTH = 150.0
DATE_WIDTH = 230.0
MIN_DATE_WIDTH = 150.0
PAGES_SEARCHED_FOR_SIGNER = 3


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float  # from the top of the page, as pdftotext reports
    x1: float
    bottom: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    def pdf_box(self, x0: float, top: float, x1: float, bottom: float) -> Box:
        """pdftotext's top-left coordinates → PDF points from the bottom-left corner."""
        return (x0, self.height - bottom, x1, self.height - top)


@dataclass(frozen=True)
class Placement:
    signature_page: int | None = None  # None: the default place
    signature_box: Box | None = None
    fields: FieldLayout | None = None
    number_only: bool = False  # the notation is printed after the number's gap
    date_in_words: bool = False  # "ngày 05 tháng 3 năm 2026" after "<place>,"


def read_pages(pdf: bytes, first: int, last: int) -> list[Page] | None:
    """Words with their boxes on pages ``first``..``last`` (1-based), or None without Poppler."""
    tool = shutil.which("pdftotext")
    if tool is None:
        logger.warning("pdftotext not installed: signatures and numbers go to default places")
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        Path(source.name).write_bytes(pdf)
        try:
            out = subprocess.run(
                [tool, "-bbox", "-f", str(first), "-l", str(last), source.name, "-"],
                capture_output=True,
                timeout=30,
                check=True,
            ).stdout.decode("utf-8", "replace")
        except (subprocess.SubprocessError, OSError):
            logger.warning("pdftotext could not read the draft", exc_info=True)
            return None
    pages = []
    for chunk in out.split("<page ")[1:]:
        size = _PAGE.match("<page " + chunk)
        if size is None:
            continue
        words = [
            Word(unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            for m in _WORD.finditer(chunk)
        ]
        pages.append(Page(float(size[1]), float(size[2]), words))
    return pages


def find_placement(pdf: bytes, *, page_count: int, signer_name: str = "") -> Placement:
    start = max(1, page_count - PAGES_SEARCHED_FOR_SIGNER + 1)
    if start == 1:  # a short draft: one Poppler run reads every page needed
        last_pages = read_pages(pdf, 1, page_count)
        first = last_pages[:1] if last_pages else None
    else:
        last_pages = read_pages(pdf, start, page_count)
        first = read_pages(pdf, 1, 1)
    if not last_pages or not first:
        return Placement()
    page_index, box = None, None
    for offset in range(len(last_pages) - 1, -1, -1):
        page = last_pages[offset]
        found = _signature_box(page, signer_name)
        if found is not None:
            page_index = page_count - len(last_pages) + offset
            box = found
            break
    number, number_only = _number_box(first[0])
    date = _date_box(first[0])
    fields = None
    if number is not None or date is not None:
        default = FieldLayout()
        fields = FieldLayout(
            page=0, number_box=number or default.number_box, date_box=date or default.date_box
        )
    return Placement(
        signature_page=page_index,
        signature_box=box,
        fields=fields,
        number_only=number_only,
        date_in_words=date is not None,
    )


def issue_texts(
    pdf: bytes, *, reference: str, number_text: str, issued_on: dt.date
) -> tuple[str, str]:
    """What to write in the number and date fields of this PDF at issuance."""
    pages = read_pages(pdf, 1, 1)
    page = pages[0] if pages else None
    number_only = page is not None and _number_box(page)[1]
    in_words = page is not None and _date_box(page) is not None
    return (
        number_text if number_only else reference,
        date_in_words(issued_on) if in_words else issued_on.strftime("%d/%m/%Y"),
    )


def date_in_words(day: dt.date) -> str:
    """Decree 30 Appendix I: days under 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# -- anchors -----------------------------------------------------------------------------------


def _lines(page: Page) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for word in sorted(page.words, key=lambda w: (round(w.top), w.x0)):
        if lines and abs(lines[-1][0].top - word.top) < 2.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _find_run(line: list[Word], phrase: str) -> tuple[Word, Word] | None:
    wanted = fold(phrase).split()
    if not wanted:
        return None
    texts = [fold(w.text) for w in line]
    for i in range(len(line) - len(wanted) + 1):
        if texts[i : i + len(wanted)] == wanted:
            return line[i], line[i + len(wanted) - 1]
    return None


def _signature_box(page: Page, signer_name: str) -> Box | None:
    for phrase in (signer_name, NAME_PLACEHOLDER):
        if not phrase.strip():
            continue
        for line in _lines(page):
            run = _find_run(line, phrase)
            if run is None:
                continue
            first, last = run
            centre = (first.x0 + last.x1) / 2
            left, right = centre - SIGNATURE_WIDTH / 2, centre + SIGNATURE_WIDTH / 2
            # The blank above the name, up to the nearest word over the same columns.
            above = [
                w.bottom
                for w in page.words
                if w.bottom <= first.top and w.x1 > left and w.x0 < right
            ]
            ceiling = max(above, default=first.top - SIGNATURE_MAX_HEIGHT - 4)
            height = min(SIGNATURE_MAX_HEIGHT, first.top - ceiling - 4)
            if height < SIGNATURE_MIN_HEIGHT:
                continue
            bottom = first.top - 2
            return page.pdf_box(left, bottom - height, right, bottom)
    return None


def _top_lines(page: Page) -> list[list[Word]]:
    return [line for line in _lines(page) if line[0].top < page.height * 0.3]


def _number_box(page: Page) -> tuple[Box | None, bool]:
    for line in _top_lines(page):
        for i, word in enumerate(line):
            if word.text != "Số:":
                continue
            following = line[i + 1] if i + 1 < len(line) else None
            gap = following.x0 - word.x1 if following is not None else None
            if following is not None and following.text.startswith("/") and 12 < gap < 150:
                box = page.pdf_box(word.x1 + 2, word.top, following.x0 - 1, word.bottom)
                return box, True
            if gap is not None and gap < 30:
                return None, False  # placeholder text right after "Số:": nowhere to write
            # Blank after "Số:" (up to a word of the other column on the same line).
            right = word.x1 + 3 + NUMBER_WIDTH
            if following is not None:
                right = min(right, following.x0 - 3)
            return page.pdf_box(word.x1 + 3, word.top, right, word.bottom), False
    return None, False


def _date_box(page: Page) -> Box | None:
    for line in _top_lines(page):
        last = line[-1]
        if last.text.endswith(",") and last.x0 > page.width * 0.45:
            right = min(page.width - 20, last.x1 + 4 + DATE_WIDTH)
            if right - last.x1 < MIN_DATE_WIDTH:
                return None  # the place name ends at the margin: no room for the date
            return page.pdf_box(last.x1 + 4, last.top, right, last.bottom)
    return None
