"""Working days, deadlines and due states for Vietnamese state agencies.

Counting rule. A time limit of n working days runs from the day after its starting day
(the starting day itself is not counted, as for limits in days under Bộ luật Dân sự 2015
Art. 147(1) — article from recollection), so
`add_working_days(start, n)` is the n-th working day after `start`. With n = 0 the limit
ends on `start` itself when that is a working day, else on the next working day.

Receipts. A document or dossier received on a non-working day, or on a working day after
the cutoff time, counts as received on the next working day (the one-stop rule of Decree
61/2018 Art. 19 moves dossiers received after 15:00 to the next working day, STANDARDS 5.4;
the same default is used here and is configurable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from types import MappingProxyType

from vanthu.workdays.decisions import DECISIONS
from vanthu.workdays.holidays import (
    DEFAULT_WEEKEND,
    STATUTORY_HOLIDAYS,
    FixedHoliday,
    Holiday,
    YearDecision,
    days_off,
)

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_OFFICE_HOURS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "VIETNAM_TZ",
    "DueState",
    "OutOfRangeError",
    "WorkCalendar",
]

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tzdata.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
FIRST_YEAR, LAST_YEAR = 2000, 2050
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
DEFAULT_CUTOFF = time(15, 0)

_ONE_DAY = timedelta(days=1)


class OutOfRangeError(ValueError):
    """A date outside the years the calendar covers."""


class DueState(StrEnum):
    """Persisted codes (reviewed like schema): the report buckets of STANDARDS 5.6."""

    EARLY = "early"  # finished before the due date (trước hạn)
    ON_TIME = "on_time"  # finished on the due date (đúng hạn)
    LATE = "late"  # finished after the due date, or still open past it (quá hạn)
    DUE_SOON = "due_soon"  # open, due within the warning window (sắp đến hạn)
    IN_TIME = "in_time"  # open, not yet in the warning window (trong hạn)


class _Year:
    __slots__ = ("off", "working")

    def __init__(self, off: dict[date, Holiday], working: frozenset[date]) -> None:
        self.off = off
        self.working = working


class WorkCalendar:
    """Vietnam's working-day calendar for one agency's settings.

    `decisions` maps a year to the government's decision for it (default: the shipped 2025
    and 2026 decisions); other years get the derived days off (see `holidays.py`).
    """

    def __init__(
        self,
        decisions: Mapping[int, YearDecision] = DECISIONS,
        *,
        weekend: Sequence[int] = DEFAULT_WEEKEND,
        office_hours: Sequence[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
        cutoff: time = DEFAULT_CUTOFF,
        tz: tzinfo = VIETNAM_TZ,
        rules: Sequence[FixedHoliday] = STATUTORY_HOLIDAYS,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        if not weekend or len(set(weekend)) >= 7 or any(not 0 <= d <= 6 for d in weekend):
            raise ValueError("weekend must be one to six weekday numbers 0–6 (Monday = 0)")
        previous_end: time | None = None
        for start, end in office_hours:
            if not start < end or (previous_end is not None and start < previous_end):
                raise ValueError("office hours must be ordered, non-overlapping periods")
            previous_end = end
        self.decisions = MappingProxyType(dict(decisions))
        self.weekend = tuple(sorted(set(weekend)))
        self.office_hours = tuple(office_hours)
        self.cutoff = cutoff
        self.tz = tz
        self.rules = tuple(rules)
        self.first_year = first_year
        self.last_year = last_year
        self._years: dict[int, _Year] = {}

    # --- the calendar ----------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        if not self.first_year <= year <= self.last_year:
            raise OutOfRangeError(f"năm {year} ngoài {self.first_year}–{self.last_year}")
        cached = self._years.get(year)
        if cached is not None:
            return cached
        off: dict[date, Holiday] = {}
        working: set[date] = set()
        # A decision may swap a day across the new year (e.g. a Saturday in late December
        # worked for 2 January), so the neighbouring years' entries are merged too.
        for source_year in (year - 1, year, year + 1):
            holidays, extra_working = days_off(
                source_year, self.decisions.get(source_year), self.rules, self.weekend
            )
            for holiday in holidays:
                if holiday.day.year == year:
                    off.setdefault(holiday.day, holiday)
            working.update(d for d in extra_working if d.year == year)
        for day in working:
            off.pop(day, None)
        result = _Year(off, frozenset(working))
        self._years[year] = result
        return result

    def has_decision(self, year: int) -> bool:
        """Whether `year`'s days off were announced (else they are derived estimates)."""
        return year in self.decisions

    def is_working_day(self, day: date) -> bool:
        info = self._year(day.year)
        if day in info.working:
            return True
        if day in info.off:
            return False
        return day.weekday() not in self.weekend

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """The days off of `year` other than ordinary weekends, sorted, with their names.

        Statutory holidays that fall on a weekend are listed too, next to the day owed
        for them."""
        return [(h.day, h.name) for h in self.holiday_details(year)]

    def holiday_details(self, year: int) -> list[Holiday]:
        return sorted(self._year(year).off.values(), key=lambda h: h.day)

    def extra_working_days(self, year: int) -> list[date]:
        """Weekend days worked in `year` in exchange for a swapped day off (làm bù)."""
        return sorted(self._year(year).working)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; for n = 0, `start` if it is a working day,
        else the next working day."""
        if n < 0:
            raise ValueError("n must be zero or positive")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d ≤ b (negative when b is before a), so that
        `working_days_between(a, add_working_days(a, n)) == n` for n ≥ 1."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    # --- receipts and deadlines ------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required")
        return moment.astimezone(self.tz)

    def receipt_day(self, received_at: datetime) -> date:
        """The working day a receipt counts from: its own day, or the next working day when
        it came on a non-working day or after the cutoff."""
        local = self._local(received_at)
        day = local.date()
        if self.is_working_day(day) and local.time() <= self.cutoff:
            return day
        return self.next_working_day(day)

    def deadline_from_receipt(self, received_at: datetime, n_days: int) -> date:
        """The due date of a limit of `n_days` working days from a receipt."""
        return self.add_working_days(self.receipt_day(received_at), n_days)

    def is_office_time(self, moment: datetime) -> bool:
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        now = local.time()
        return any(start <= now < end for start, end in self.office_hours)

    # --- due states ------------------------------------------------------------------------

    @staticmethod
    def completion_state(due: date, finished: date) -> DueState:
        """EARLY, ON_TIME or LATE for work finished on `finished` (QĐ 766 indicator 2.1:
        on time when the end of processing is not after the appointment)."""
        if finished < due:
            return DueState.EARLY
        if finished == due:
            return DueState.ON_TIME
        return DueState.LATE

    def is_due_soon(self, due: date, today: date, within: int = 1) -> bool:
        """Open work due today or within `within` working days after today."""
        return today <= due and self.working_days_between(today, due) <= within

    def due_state(
        self,
        due: date,
        today: date,
        finished: date | None = None,
        soon_within: int = 1,
    ) -> DueState:
        """The state of work due on `due`: by its finish date when finished, else as seen
        on `today` (LATE past the due date, DUE_SOON within `soon_within` working days)."""
        if finished is not None:
            return self.completion_state(due, finished)
        if today > due:
            return DueState.LATE
        if self.is_due_soon(due, today, soon_within):
            return DueState.DUE_SOON
        return DueState.IN_TIME
