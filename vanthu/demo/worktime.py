"""Office hours for the demo timeline: every planned moment falls on a working day between
07:30 and 17:00 (Vietnam time), so registers and audit trails look like a real office's."""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

DAY_START = time(7, 30)
DAY_MINUTES = 9 * 60 + 30  # 07:30 → 17:00


class OfficeClock:
    """Working days from `first` up to `until`, and a minute index over them; `last` is the
    index of the last working minute before `until`, so no planned moment is in the future."""

    def __init__(self, first: date, until: datetime, holidays: frozenset[date]) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.days: list[date] = []
        day, end = first, until.astimezone(self.tz).date()
        while day <= end:
            if day.weekday() < 5 and day not in holidays:
                self.days.append(day)
            day += timedelta(days=1)
        if len(self.days) < 10:
            raise ValueError("the demo period needs at least ten working days")
        self.last = self.index(until) - 1

    @property
    def total(self) -> int:
        return len(self.days) * DAY_MINUTES

    def at(self, index: int) -> datetime:
        """The moment `index` working minutes after the first working day opened."""
        index = max(0, min(index, self.last))
        day, minute = divmod(index, DAY_MINUTES)
        start = datetime.combine(self.days[day], DAY_START, tzinfo=self.tz)
        return start + timedelta(minutes=minute)

    def index(self, moment: datetime) -> int:
        """The working-minute index of `moment` (the next opening if it falls outside hours)."""
        local = moment.astimezone(self.tz)
        day = bisect.bisect_left(self.days, local.date())
        if day >= len(self.days):
            return self.total
        if self.days[day] != local.date():
            return day * DAY_MINUTES
        opened = datetime.combine(local.date(), DAY_START, tzinfo=self.tz)
        minute = int((local - opened).total_seconds() // 60)
        return day * DAY_MINUTES + max(0, min(minute, DAY_MINUTES - 1))

    def days_index(self, days: int) -> int:
        return days * DAY_MINUTES

    def steps(self, rng: random.Random, start: int, end: int, count: int) -> list[int]:
        """`count` increasing minute indexes in (start, end], never past `last`."""
        end = min(max(end, start + count), self.last)
        start = min(start, end - count)
        return sorted(rng.sample(range(start + 1, end + 1), count))
