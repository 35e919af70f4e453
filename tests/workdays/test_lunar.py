from datetime import date, timedelta

import pytest

from vanthu.workdays.lunar import (
    LunarDate,
    last_day_of_year,
    leap_month,
    lunar_new_year,
    lunar_to_solar,
    months_of_year,
    solar_to_lunar,
)

TET = {
    2000: date(2000, 2, 5),
    2007: date(2007, 2, 17),  # China: 18 February (the new moon was 23:14 in UTC+7)
    2020: date(2020, 1, 25),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    # The new moon is 2030-02-02 16:07 UT: 23:07 in Vietnam, 00:07 on the 3rd in China.
    2030: date(2030, 2, 2),
    2050: date(2050, 1, 23),
}


@pytest.mark.parametrize(("year", "tet"), sorted(TET.items()))
def test_it_gives_the_vietnamese_tet(year, tet):
    assert lunar_new_year(year) == tet
    assert solar_to_lunar(tet) == LunarDate(year, 1, 1)
    assert lunar_to_solar(year, 1, 1) == tet


def test_it_gives_tet_1985_a_month_before_china():
    # Vietnam's month 11 of 1984 differs from China's, which moves the leap month.
    assert lunar_new_year(1985) == date(1985, 1, 21)


@pytest.mark.parametrize(
    ("year", "day"),
    [(2024, date(2024, 4, 18)), (2025, date(2025, 4, 7)), (2026, date(2026, 4, 26))],
)
def test_it_finds_gio_to_hung_vuong(year, day):
    assert lunar_to_solar(year, 3, 10) == day
    assert solar_to_lunar(day) == LunarDate(year, 3, 10)


@pytest.mark.parametrize(
    ("year", "leap"),
    [(2001, 4), (2004, 2), (2006, 7), (2009, 5), (2012, 4), (2014, 9), (2017, 6), (2020, 4)]
    + [(2023, 2), (2025, 6), (2028, 5), (2031, 3), (2033, 11), (2036, 6), (2050, 3)]
    + [(2024, None), (2026, None), (2027, None)],
)
def test_it_places_leap_months(year, leap):
    assert leap_month(year) == leap
    assert len(months_of_year(year)) == (13 if leap else 12)


def test_a_leap_month_follows_its_namesake():
    months = months_of_year(2025)
    sixth = next(m for m in months if m.month == 6 and not m.leap)
    leap = next(m for m in months if m.leap)
    assert (leap.month, leap.start) == (6, sixth.start + timedelta(days=sixth.length))
    assert solar_to_lunar(leap.start) == LunarDate(2025, 6, 1, leap=True)
    assert lunar_to_solar(2025, 6, 1, leap=True) == date(2025, 7, 25)


def test_every_day_2000_to_2050_round_trips():
    day, end = date(2000, 1, 1), date(2050, 12, 31)
    previous = solar_to_lunar(day - timedelta(days=1))
    while day <= end:
        lunar = solar_to_lunar(day)
        assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day
        if lunar.day == 1:
            assert previous.day in (29, 30)
        else:
            assert (lunar.year, lunar.month, lunar.leap, lunar.day) == (
                previous.year,
                previous.month,
                previous.leap,
                previous.day + 1,
            )
        previous = lunar
        day += timedelta(days=1)


def test_months_tile_the_year():
    for year in range(2000, 2051):
        months = months_of_year(year)
        assert all(m.length in (29, 30) for m in months)
        for current, following in zip(months, months[1:], strict=False):
            assert current.start + timedelta(days=current.length) == following.start
        last = months[-1]
        assert last.start + timedelta(days=last.length) == lunar_new_year(year + 1)
        assert last_day_of_year(year) == lunar_new_year(year + 1) - timedelta(days=1)


@pytest.mark.parametrize(
    "first_day",
    [
        date(2031, 4, 21),  # new moon 16:57 UT, 3 minutes before midnight in UTC+7
        date(2008, 11, 27),  # new moon 16:55 UT
    ],
)
def test_it_starts_months_on_new_moons_just_before_midnight(first_day):
    assert solar_to_lunar(first_day).day == 1
    assert solar_to_lunar(first_day - timedelta(days=1)).day in (29, 30)


def test_the_2033_leap_eleventh_month():
    assert solar_to_lunar(date(2033, 12, 22)) == LunarDate(2033, 11, 1, leap=True)
    assert solar_to_lunar(date(2034, 1, 20)) == LunarDate(2033, 12, 1)


def test_it_rejects_lunar_dates_that_do_not_exist():
    with pytest.raises(ValueError, match="no leap month 5"):
        lunar_to_solar(2025, 5, 1, leap=True)
    twenty_nine = next(m for m in months_of_year(2025) if m.length == 29)
    with pytest.raises(ValueError, match="has 29 days"):
        lunar_to_solar(2025, twenty_nine.month, 30, twenty_nine.leap)


def test_it_rejects_years_outside_its_range():
    with pytest.raises(ValueError, match="outside"):
        solar_to_lunar(date(1850, 1, 1))


def test_lunar_dates_print_the_vietnamese_way():
    assert str(LunarDate(2025, 6, 1, leap=True)) == "01/06 nhuận/2025"
    assert str(solar_to_lunar(date(2026, 2, 16))) == "29/12/2025"
