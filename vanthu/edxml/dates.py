"""Dates and timestamps as edXML writes them, and the variants seen in the wild."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from .constants import VN_TZ
from .errors import EdxmlError

DateStyle = Literal["sdk", "iso", "dmy"]

_SDK_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SDK_TIMESTAMP = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def format_date(value: dt.date) -> str:
    # strftime("%Y") does not zero-pad years before 1000 on glibc; format by hand.
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise EdxmlError("timestamp must be timezone-aware (edXML writes Vietnam local time)")
    local = value.astimezone(VN_TZ)
    return f"{format_date(local.date())} {local:%H:%M:%S}"


def read_date(text: str) -> tuple[dt.date, DateStyle] | None:
    """Parse yyyy/MM/dd (the SDK form), ISO yyyy-MM-dd or dd/MM/yyyy; None if none fits.

    A time part after the date is ignored: some senders put a timestamp in DueDate.
    """
    text = text.strip()
    head = text.split(" ", 1)[0].split("T", 1)[0] if len(text) > 10 else text
    try:
        if match := _SDK_DATE.match(head):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day), "sdk"
        if match := _DMY_DATE.match(head):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day), "dmy"
        return dt.date.fromisoformat(head), "iso"
    except ValueError:
        return None


def read_timestamp(text: str) -> tuple[dt.datetime, DateStyle] | None:
    """Parse yyyy/MM/dd HH:mm:ss (Vietnam local time) or ISO 8601; None if neither fits."""
    text = text.strip()
    try:
        if match := _SDK_TIMESTAMP.match(text):
            year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
            second = int(match.group(6) or 0)
            value = dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)
            return value, "sdk"
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value, "iso"
