"""The Vietnamese lunisolar calendar (âm lịch), computed from the astronomy.

The rules are those of the calendar in official use in Vietnam since 1968:

* every month starts on the civil day, in UTC+7, of an astronomical new moon;
* month 11 is the month that contains the winter solstice (sun at 270°);
* a year from one month 11 to the next with 13 months has a leap month: the first month
  after month 11 that contains no major solar term (trung khí, sun at a multiple of 30°);
  it takes the number of the month before it.

Vietnam and China apply the same rules, but China reckons days in UTC+8, so a new moon or
a solar term near midnight can fall on different days (Tết 1985 and Tết 2007 differ).

New moons use the series of J. Meeus, *Astronomical Algorithms*, chapter 49; the sun's
apparent longitude uses the low-accuracy series of chapter 25. Checked against a full
ephemeris over 1990–2060: new moons within 0.5 minute, the sun within 0.015° (about 20
minutes of time). Why that is enough for 2000–2050: the new moon closest to a UTC+7
midnight is 2031-04-21 16:57 UT (3 minutes before); the only solar term within 110 minutes
of the midnight that starts a month is the equinox of 2033-09-22 16:51 UT (9 minutes
before), which decides no leap month (and this series places it within 2 minutes). Every
day 1986–2051 was compared with a calendar built from the full ephemeris, without a
difference. The arithmetic runs over `MIN_YEAR`–`MAX_YEAR`; the project relies on and
tests 2000–2050.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "LunarDate",
    "LunarMonth",
    "last_day_of_year",
    "leap_month",
    "lunar_new_year",
    "lunar_to_solar",
    "months_of_year",
    "solar_to_lunar",
]

MIN_YEAR = 1900
MAX_YEAR = 2100

TIME_ZONE_HOURS = 7  # Vietnam: UTC+7, no daylight saving since 1975.

# Julian Day Number of a date is its proleptic Gregorian ordinal plus this offset.
_JDN_OFFSET = 1721425
_SYNODIC_MONTH = 29.530588861
_NEW_MOON_EPOCH = 2451550.09766  # JDE of the new moon k = 0 (2000-01-06).


@dataclass(frozen=True, order=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False

    def __str__(self) -> str:
        suffix = " nhuận" if self.leap else ""
        return f"{self.day:02d}/{self.month:02d}{suffix}/{self.year}"


@dataclass(frozen=True)
class LunarMonth:
    year: int
    month: int
    leap: bool
    start: date
    length: int  # 29 or 30 days


# --- astronomy -------------------------------------------------------------------------


def _delta_t_days(year: float) -> float:
    """TT − UT in days (polynomials of Espenak and Meeus, in seconds)."""
    y = year
    if y < 1920:
        t = y - 1900
        s = -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4
    elif y < 1941:
        t = y - 1920
        s = 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    elif y < 1961:
        t = y - 1950
        s = 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    elif y < 1986:
        t = y - 1975
        s = 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    elif y < 2005:
        t = y - 2000
        s = (
            63.86
            + 0.3345 * t
            - 0.060374 * t**2
            + 0.0017275 * t**3
            + 0.000651814 * t**4
            + 0.00002373599 * t**5
        )
    elif y < 2050:
        t = y - 2000
        s = 62.92 + 0.32217 * t + 0.005589 * t**2
    else:
        u = (y - 1820) / 100
        s = -20 + 32 * u**2 - 0.5628 * (2150 - y)
    return s / 86400


def _year_of_jd(jd: float) -> float:
    return 2000.0 + (jd - 2451545.0) / 365.25


def _sin(degrees: float) -> float:
    return math.sin(math.radians(degrees))


# Periodic terms of the new-moon correction: (coefficient, power of E, M, M', F, Ω).
# The argument is M·m + M'·m' + F·f + Ω·o with the listed multipliers.
_NEW_MOON_TERMS: tuple[tuple[float, int, int, int, int, int], ...] = (
    (-0.40720, 0, 0, 1, 0, 0),
    (0.17241, 1, 1, 0, 0, 0),
    (0.01608, 0, 0, 2, 0, 0),
    (0.01039, 0, 0, 0, 2, 0),
    (0.00739, 1, -1, 1, 0, 0),
    (-0.00514, 1, 1, 1, 0, 0),
    (0.00208, 2, 2, 0, 0, 0),
    (-0.00111, 0, 0, 1, -2, 0),
    (-0.00057, 0, 0, 1, 2, 0),
    (0.00056, 1, 1, 2, 0, 0),
    (-0.00042, 0, 0, 3, 0, 0),
    (0.00042, 1, 1, 0, 2, 0),
    (0.00038, 1, 1, 0, -2, 0),
    (-0.00024, 1, -1, 2, 0, 0),
    (-0.00017, 0, 0, 0, 0, 1),
    (-0.00007, 0, 2, 1, 0, 0),
    (0.00004, 0, 0, 2, -2, 0),
    (0.00004, 0, 3, 0, 0, 0),
    (0.00003, 0, 1, 1, -2, 0),
    (0.00003, 0, 0, 2, 2, 0),
    (-0.00003, 0, 1, 1, 2, 0),
    (0.00003, 0, -1, 1, 2, 0),
    (-0.00002, 0, -1, 1, -2, 0),
    (-0.00002, 0, 1, 3, 0, 0),
    (0.00002, 0, 0, 4, 0, 0),
)

# Planetary corrections common to all lunar phases: (coefficient, A at k = 0, rate per k).
_PLANETARY_TERMS: tuple[tuple[float, float, float], ...] = (
    (0.000325, 299.77, 0.107408),  # its T² term is added separately
    (0.000165, 251.88, 0.016321),
    (0.000164, 251.83, 26.651886),
    (0.000126, 349.42, 36.412478),
    (0.000110, 84.66, 18.206239),
    (0.000062, 141.74, 53.303771),
    (0.000060, 207.14, 2.453732),
    (0.000056, 154.84, 7.306860),
    (0.000047, 34.52, 27.261239),
    (0.000042, 207.19, 0.121824),
    (0.000040, 291.34, 1.844379),
    (0.000037, 161.72, 24.198154),
    (0.000035, 239.56, 25.513099),
    (0.000023, 331.55, 3.592518),
)


def _new_moon_jde(k: int) -> float:
    """Dynamical time (JDE) of new moon number k; k = 0 is the new moon of 2000-01-06."""
    t = k / 1236.85
    jde = (
        _NEW_MOON_EPOCH
        + _SYNODIC_MONTH * k
        + 0.00015437 * t**2
        - 0.000000150 * t**3
        + 0.00000000073 * t**4
    )
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    sun_anomaly = 2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3
    moon_anomaly = (
        201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4
    )
    latitude_arg = (
        160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4
    )
    node = 124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3
    for coefficient, e_power, m, mp, f, o in _NEW_MOON_TERMS:
        argument = m * sun_anomaly + mp * moon_anomaly + f * latitude_arg + o * node
        jde += coefficient * e**e_power * _sin(argument)
    for index, (coefficient, a0, rate) in enumerate(_PLANETARY_TERMS):
        argument = a0 + rate * k
        if index == 0:
            argument -= 0.009173 * t**2
        jde += coefficient * _sin(argument)
    return jde


def _sun_longitude(jd_ut: float) -> float:
    """Apparent geocentric longitude of the sun, degrees in [0, 360), at a UT instant."""
    jde = jd_ut + _delta_t_days(_year_of_jd(jd_ut))
    t = (jde - 2451545.0) / 36525
    mean_longitude = 280.46646 + 36000.76983 * t + 0.0003032 * t**2
    anomaly = 357.52911 + 35999.05029 * t - 0.0001537 * t**2
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t**2) * _sin(anomaly)
        + (0.019993 - 0.000101 * t) * _sin(2 * anomaly)
        + 0.000289 * _sin(3 * anomaly)
    )
    node = 125.04 - 1934.136 * t
    apparent = mean_longitude + centre - 0.00569 - 0.00478 * _sin(node)
    return apparent % 360


# --- civil days in UTC+7 -----------------------------------------------------------------


def _local_day(jd_ut: float) -> int:
    """Julian Day Number of the UTC+7 civil day containing a UT instant."""
    return math.floor(jd_ut + 0.5 + TIME_ZONE_HOURS / 24)


@lru_cache(maxsize=4096)
def _new_moon_day(k: int) -> int:
    jde = _new_moon_jde(k)
    return _local_day(jde - _delta_t_days(_year_of_jd(jde)))


def _major_term_at_dawn(jdn: int) -> int:
    """Index 0–11 of the 30° arc the sun is in at the first instant of a UTC+7 day."""
    midnight_ut = jdn - 0.5 - TIME_ZONE_HOURS / 24
    return math.floor(_sun_longitude(midnight_ut) / 30)


def _k_near(jdn: int) -> int:
    return round((jdn - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)


def _k_of_month_starting_on_or_before(jdn: int) -> int:
    k = _k_near(jdn) + 1
    while _new_moon_day(k) > jdn:
        k -= 1
    return k


@cache
def _month_eleven(gregorian_year: int) -> int:
    """New-moon number k of the lunar month 11 that contains the December solstice."""
    k = _k_of_month_starting_on_or_before(_jdn(date(gregorian_year, 12, 31)))
    # Arc 9 is 270°–300°: at the start of that month the solstice had already passed.
    if _major_term_at_dawn(_new_moon_day(k)) >= 9:
        k -= 1
    return k


@dataclass(frozen=True)
class _Month:
    start: int  # Julian Day Number
    year: int
    month: int
    leap: bool


@cache
def _window(gregorian_year: int) -> tuple[_Month, ...]:
    """The months from month 11 of the previous lunar year up to (not including) the
    month 11 that contains the solstice of December `gregorian_year`."""
    first = _month_eleven(gregorian_year - 1)
    last = _month_eleven(gregorian_year)
    leap_index = 0
    if last - first == 13:
        for index in range(1, 13):
            if _major_term_at_dawn(_new_moon_day(first + index)) == _major_term_at_dawn(
                _new_moon_day(first + index + 1)
            ):
                leap_index = index
                break
    months: list[_Month] = []
    number = 11
    for index in range(last - first):
        leap = index == leap_index and leap_index != 0
        if index > 0 and not leap:
            number = number % 12 + 1
        year = gregorian_year - 1 if number >= 11 and index < 3 else gregorian_year
        months.append(_Month(_new_moon_day(first + index), year, number, leap))
    return tuple(months)


def _jdn(d: date) -> int:
    return d.toordinal() + _JDN_OFFSET


def _date(jdn: int) -> date:
    return date.fromordinal(jdn - _JDN_OFFSET)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")


# --- public API ----------------------------------------------------------------------------


@cache
def months_of_year(year: int) -> tuple[LunarMonth, ...]:
    """The 12 or 13 months of lunar year `year` (the year whose Tết falls in `year`)."""
    _check_year(year)
    # Months 1–10 sit in the window ending in December `year`; months 11 and 12 (and a
    # leap 11 or 12) open the next window.
    ordered = [m for m in _window(year) if m.year == year]
    ordered += [m for m in _window(year + 1) if m.year == year]
    next_start = next(m.start for m in _window(year + 1) if m.year == year + 1)
    result: list[LunarMonth] = []
    for index, month in enumerate(ordered):
        end = ordered[index + 1].start if index + 1 < len(ordered) else next_start
        result.append(
            LunarMonth(year, month.month, month.leap, _date(month.start), end - month.start)
        )
    return tuple(result)


def lunar_new_year(year: int) -> date:
    """Tết Nguyên đán: 1 Giêng of lunar year `year`."""
    return months_of_year(year)[0].start


def last_day_of_year(year: int) -> date:
    """The last day (29 or 30 tháng Chạp) of lunar year `year`."""
    return lunar_new_year(year + 1) - timedelta(days=1)


def leap_month(year: int) -> int | None:
    """The number of the leap month of lunar year `year`, or None."""
    for month in months_of_year(year):
        if month.leap:
            return month.month
    return None


def solar_to_lunar(d: date) -> LunarDate:
    _check_year(d.year)
    jdn = _jdn(d)
    window = _window(d.year + 1 if jdn >= _new_moon_day(_month_eleven(d.year)) else d.year)
    starts = [m.start for m in window]
    month = window[bisect.bisect_right(starts, jdn) - 1]
    return LunarDate(month.year, month.month, jdn - month.start + 1, month.leap)


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a lunar date; ValueError if that lunar date does not exist."""
    for candidate in months_of_year(year):
        if candidate.month == month and candidate.leap == leap:
            if not 1 <= day <= candidate.length:
                raise ValueError(f"lunar month {month}/{year} has {candidate.length} days")
            return candidate.start + timedelta(days=day - 1)
    kind = "leap month" if leap else "month"
    raise ValueError(f"lunar year {year} has no {kind} {month}")
