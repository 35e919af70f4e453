"""Times as the hub shows them: Vietnam local time, ages in Vietnamese (pure Python)."""

from __future__ import annotations

import datetime as dt

from vanthu.edxml.constants import VN_TZ


def local_time(moment: dt.datetime | str | None) -> str:
    """yyyy-MM-dd HH:mm:ss in Vietnam time; naive values are UTC (SQLite stores them so)."""
    if not moment:
        return ""
    if isinstance(moment, str):  # a raw SQLite row without a converter
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def format_age(delta: dt.timedelta) -> str:
    """'2 ngày 3 giờ', '5 giờ 10 phút', '12 phút': Django's Vietnamese catalogue has no
    translation for timesince."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ" if hours else f"{days} ngày"
    if hours:
        return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"
    return f"{minutes} phút" if minutes else "dưới 1 phút"
