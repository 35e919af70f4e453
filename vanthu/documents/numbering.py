"""Yearly numbering (Decree 30/2020 Art. 15 and Art. 22.2).

Numbers run from 01 on 1 January to 31 December, per agency, in separate series where the
Decree requires them. A number is taken from a counter row locked with select_for_update in
the same transaction as the document that receives it: if that transaction rolls back, the
counter does too, so a series never has a gap; the unique constraints on Document back it
up against duplicates. On SQLite the database-level write lock (IMMEDIATE transactions)
gives the same serialisation.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from vanthu.documents.models import Document, NumberCounter, Secrecy
from vanthu.documents.types_data import COPY_TYPES

INCOMING_SERIES = "incoming"
# Series restart on 1 January of the Vietnamese calendar, whatever time zone a request has
# activated for display: at 00:01 on 1 January in Hà Nội it is still 31 December in UTC.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_COPY_CODES = frozenset(code for code, *_ in COPY_TYPES)


def local_today() -> date:
    return timezone.localdate(timezone=VIETNAM)


def take_number(agency, year: int, series: str) -> int:
    counter, _ = NumberCounter.objects.get_or_create(agency=agency, year=year, series=series)
    counter = NumberCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


def outgoing_series(document: Document) -> str:
    if document.secrecy != Secrecy.NORMAL:
        return "secret"
    if document.is_normative:
        return f"normative:{document.doc_type.code}"
    if document.doc_type.code in _COPY_CODES:
        # Appendix I Part II.II.1.c: copies have their own yearly series from 01.
        return "copy"
    return "outgoing"


def format_number(number: int) -> str:
    # Appendix I.II.3: Arabic numerals, a leading 0 below 10.
    return f"{number:02d}"


def outgoing_notation(document: Document) -> str:
    agency = document.agency
    if document.doc_type.is_official_letter:
        unit = document.drafting_department.code if document.drafting_department else "VP"
        return f"{agency.abbreviation}-{unit}".upper()
    issuer = agency.abbreviation.upper()
    # Thư công has no type abbreviation: its notation is the issuer alone.
    if not document.doc_type.abbreviation:
        return issuer
    # The type abbreviation keeps its own case: "QyĐ" (Quy định) differs from "QĐ".
    notation = f"{document.doc_type.abbreviation}-{issuer}"
    if document.is_normative:
        # Legal normative documents carry the year between number and notation
        # ("15/2026/QĐ-UBND", Law on Promulgation of Legal Documents).
        return f"{document.year}/{notation}"
    return notation
