"""Vietnam's public holidays as data, and the rules that turn them into days off.

Legal basis (Bộ luật Lao động 2019, in force 2021; article numbers from recollection, as in
STANDARDS 5.6 — verify against the official text before relying on them):

* Art. 112(1): Tết Dương lịch 1/1; Tết Âm lịch 5 days; Ngày Chiến thắng 30/4; Ngày Quốc tế
  Lao động 1/5; Quốc khánh 2/9 plus one adjacent day (before or after); Giỗ Tổ Hùng Vương
  10/3 âm lịch.
* Art. 112(3): every year the Prime Minister fixes which days the Tết and Quốc khánh
  holidays are; for the public sector the Tết days are customarily the last day of the
  lunar year and 1–4 Giêng.
* Art. 111(3): a holiday that falls on the weekly rest day gives a compensatory day off
  (nghỉ bù) on the next working day.

Earlier codes gave fewer days: Giỗ Tổ from 2007, the fifth Tết day from 2013 (Labour Code
2012), the second Quốc khánh day from 2021. Years before 2025 carry no yearly decision
here, so their days off are derived and may differ from what was actually announced.

A year without a `YearDecision` gets the derived days: the statutory holidays, the adjacent
Quốc khánh day chosen by `default_national_day_adjacent`, and Art. 111(3) compensatory days.
A year with a decision takes its days off and swapped working days instead of the derived
compensatory days: the government often moves a compensatory day before Tết or swaps a
working day with a Saturday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from vanthu.workdays.lunar import lunar_new_year, lunar_to_solar, solar_to_lunar

__all__ = [
    "PROPOSED_HOLIDAYS",
    "STATUTORY_HOLIDAYS",
    "TET_SPANS",
    "FixedHoliday",
    "Holiday",
    "HolidayKind",
    "TetSpan",
    "YearDecision",
    "compensatory_days",
    "default_national_day_adjacent",
    "days_off",
    "statutory_holidays",
]

SATURDAY, SUNDAY = 5, 6
DEFAULT_WEEKEND: tuple[int, ...] = (SATURDAY, SUNDAY)


class HolidayKind(StrEnum):
    STATUTORY = "statutory"  # a day named by the Labour Code
    COMPENSATORY = "compensatory"  # nghỉ bù derived under Art. 111(3)
    DECISION = "decision"  # a day off fixed by the yearly government decision


@dataclass(frozen=True)
class FixedHoliday:
    """A holiday on a fixed solar or lunar date, in force over a span of years."""

    name: str
    month: int
    day: int
    lunar: bool = False
    since: int = 1975
    until: int | None = None
    source: str = ""

    def in_force(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    def date_in(self, year: int) -> date:
        if self.lunar:
            return lunar_to_solar(year, self.month, self.day)
        return date(year, self.month, self.day)


# The Quốc khánh adjacent day and the Tết span are not fixed dates: see
# `default_national_day_adjacent` and `TET_SPANS`.
STATUTORY_HOLIDAYS: tuple[FixedHoliday, ...] = (
    FixedHoliday("Tết Dương lịch", 1, 1, source="BLLĐ 2019 Điều 112.1.a"),
    FixedHoliday(
        "Giỗ Tổ Hùng Vương (10/3 âm lịch)", 3, 10, lunar=True, since=2007, source="Điều 112.1.e"
    ),
    FixedHoliday("Ngày Chiến thắng (30/4)", 4, 30, source="Điều 112.1.c"),
    FixedHoliday("Ngày Quốc tế Lao động (1/5)", 5, 1, source="Điều 112.1.d"),
    FixedHoliday("Quốc khánh (2/9)", 9, 2, source="Điều 112.1.đ"),
)

# UNCONFIRMED, therefore not applied by default. Nghị quyết 80-NQ/TW (January 2026) chose
# 24/11 as Ngày Văn hóa Việt Nam, a paid day off, and Nghị quyết 30/NQ-CP (February 2026)
# asked for Art. 112(1) to be amended accordingly; no amended text was found when this was
# written. Once the amendment is in force, move it into STATUTORY_HOLIDAYS with its `since`
# year, or let administrators enter 24/11 in the yearly decision.
PROPOSED_HOLIDAYS: tuple[FixedHoliday, ...] = (
    FixedHoliday(
        "Ngày Văn hóa Việt Nam (24/11)",
        11,
        24,
        since=2026,
        source="NQ 80-NQ/TW; sửa đổi Điều 112.1 chưa được xác nhận",
    ),
)


@dataclass(frozen=True)
class TetSpan:
    """The default Tết Âm lịch days, as offsets from 1 Giêng, from `since` on."""

    since: int
    offsets: tuple[int, ...]


# -1 is the last day of the old lunar year (29 or 30 tháng Chạp).
TET_SPANS: tuple[TetSpan, ...] = (
    TetSpan(since=2013, offsets=(-1, 0, 1, 2, 3)),  # BLLĐ 2012 Điều 115, BLLĐ 2019 Điều 112
    TetSpan(since=1975, offsets=(-1, 0, 1, 2)),
)

NATIONAL_DAY_SECOND_DAY_SINCE = 2021  # BLLĐ 2019 Điều 112.1.đ


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: HolidayKind


@dataclass(frozen=True)
class YearDecision:
    """The government's decision on one year's holidays, as administrators enter it.

    `days_off`: days off beyond the statutory holidays (compensatory days, swapped days).
    `working_days`: days worked although they would otherwise be off (the Saturday worked
    in exchange for a swapped day, or a statutory day the decision moved elsewhere).
    `national_day_adjacent`: the second Quốc khánh day (1/9 or 3/9) the decision chose.
    """

    days_off: AbstractSet[date]
    working_days: AbstractSet[date]
    note: str = ""
    national_day_adjacent: date | None = None
    names: Mapping[date, str] = field(default_factory=dict, hash=False)
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        both = self.days_off & self.working_days
        if both:
            raise ValueError(f"days both off and working: {sorted(both)}")
        adjacent = self.national_day_adjacent
        if adjacent is not None and (adjacent.month, adjacent.day) not in ((9, 1), (9, 3)):
            raise ValueError("the second Quốc khánh day must be 1/9 or 3/9")
        unknown = set(self.names) - set(self.days_off)
        if unknown:
            raise ValueError(f"names given for days that are not days off: {sorted(unknown)}")


def _tet_day_name(day: date) -> str:
    lunar = solar_to_lunar(day)
    if lunar.month == 12:
        return f"Tết Âm lịch ({lunar.day} tháng Chạp)"
    return f"Tết Âm lịch (mùng {lunar.day} tháng Giêng)"


def tet_days(year: int) -> list[date]:
    """The default Tết Âm lịch days off around 1 Giêng of lunar year `year`."""
    span = next(s for s in TET_SPANS if s.since <= year)
    new_year = lunar_new_year(year)
    return [new_year + timedelta(days=offset) for offset in span.offsets]


def default_national_day_adjacent(year: int, weekend: Sequence[int] = DEFAULT_WEEKEND) -> date:
    """The second Quốc khánh day when no decision names it.

    Derived from practice 2021–2026: take the adjacent weekday that joins 2/9 to the longest
    run of days off with the weekend; on a tie, 1/9.
    """
    national_day = date(year, 9, 2)

    def run_length(extra: date) -> int:
        off = {national_day, extra}
        length = 1
        for step in (-1, 1):
            day = national_day + timedelta(days=step)
            while day in off or day.weekday() in weekend:
                length += 1
                day += timedelta(days=step)
        return length

    candidates = [
        national_day + timedelta(days=step)
        for step in (-1, 1)
        if (national_day + timedelta(days=step)).weekday() not in weekend
    ]
    # Both neighbours are never weekend days with a two-day weekend.
    return max(candidates, key=run_length)  # max keeps the first (1/9) on a tie


def statutory_holidays(
    year: int,
    rules: Iterable[FixedHoliday] = STATUTORY_HOLIDAYS,
    national_day_adjacent: date | None = None,
    weekend: Sequence[int] = DEFAULT_WEEKEND,
) -> list[Holiday]:
    """The holidays the law names for `year`, weekend or not, sorted by date."""
    found = [
        Holiday(rule.date_in(year), rule.name, HolidayKind.STATUTORY)
        for rule in rules
        if rule.in_force(year)
    ]
    found += [Holiday(d, _tet_day_name(d), HolidayKind.STATUTORY) for d in tet_days(year)]
    if year >= NATIONAL_DAY_SECOND_DAY_SINCE:
        adjacent = national_day_adjacent or default_national_day_adjacent(year, weekend)
        found.append(Holiday(adjacent, "Quốc khánh (ngày liền kề)", HolidayKind.STATUTORY))
    return sorted(found, key=lambda h: h.day)


def compensatory_days(
    holidays: Sequence[Holiday], weekend: Sequence[int] = DEFAULT_WEEKEND
) -> list[Holiday]:
    """Art. 111(3): each holiday on a weekly rest day gives the next free working day off."""
    taken = {h.day for h in holidays}
    result: list[Holiday] = []
    for holiday in sorted(holidays, key=lambda h: h.day):
        if holiday.day.weekday() not in weekend:
            continue
        day = holiday.day + timedelta(days=1)
        while day in taken or day.weekday() in weekend:
            day += timedelta(days=1)
        taken.add(day)
        name = f"Nghỉ bù {holiday.name} ({holiday.day:%d/%m})"
        result.append(Holiday(day, name, HolidayKind.COMPENSATORY))
    return result


def days_off(
    year: int,
    decision: YearDecision | None = None,
    rules: Iterable[FixedHoliday] = STATUTORY_HOLIDAYS,
    weekend: Sequence[int] = DEFAULT_WEEKEND,
) -> tuple[list[Holiday], frozenset[date]]:
    """The days off that the holidays of `year` give, and the extra working days.

    The days off include statutory holidays that fall on a weekend (the compensatory day is
    listed too) and may spill into a neighbouring year; a decision's working days are left
    out of the days off.
    """
    adjacent = decision.national_day_adjacent if decision else None
    statutory = statutory_holidays(year, rules, adjacent, weekend)
    if decision is None:
        derived = statutory + compensatory_days(statutory, weekend)
        return sorted(derived, key=lambda h: h.day), frozenset()
    fallback = f"Ngày nghỉ theo quyết định năm {year}"
    named = {h.day for h in statutory}
    extra = [
        Holiday(d, decision.names.get(d, fallback), HolidayKind.DECISION)
        for d in decision.days_off
        if d not in named  # a decision may repeat the statutory days of its spans
    ]
    working = frozenset(decision.working_days)
    kept = [h for h in statutory + extra if h.day not in working]
    return sorted(kept, key=lambda h: h.day), working
