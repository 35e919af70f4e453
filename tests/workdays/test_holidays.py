from datetime import date, timedelta

import pytest

from vanthu.workdays.calendar import WorkCalendar
from vanthu.workdays.decisions import DECISIONS
from vanthu.workdays.holidays import (
    PROPOSED_HOLIDAYS,
    STATUTORY_HOLIDAYS,
    Holiday,
    HolidayKind,
    YearDecision,
    compensatory_days,
    days_off,
    default_national_day_adjacent,
    statutory_holidays,
)


@pytest.fixture(scope="module")
def calendar():
    return WorkCalendar()


def days(first, last):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_2025_days_off_as_announced(calendar):
    assert [d for d, _ in calendar.holidays(2025)] == [
        date(2025, 1, 1),
        *days(date(2025, 1, 27), date(2025, 2, 1)),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ]


def test_the_2026_days_off_as_announced(calendar):
    assert [d for d, _ in calendar.holidays(2026)] == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        *days(date(2026, 2, 16), date(2026, 2, 20)),
        date(2026, 4, 26),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
    ]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 1, 25), date(2025, 2, 2)),  # Tết Ất Tỵ, 9 days
        (date(2025, 4, 30), date(2025, 5, 4)),
        (date(2025, 8, 30), date(2025, 9, 2)),
        (date(2026, 1, 1), date(2026, 1, 4)),
        (date(2026, 2, 14), date(2026, 2, 22)),  # Tết Bính Ngọ, 9 days
        (date(2026, 4, 25), date(2026, 4, 27)),
        (date(2026, 4, 30), date(2026, 5, 3)),
        (date(2026, 8, 29), date(2026, 9, 2)),
    ],
)
def test_the_announced_breaks_are_unbroken_and_bounded_by_working_days(calendar, first, last):
    assert not any(calendar.is_working_day(d) for d in days(first, last))
    assert calendar.is_working_day(first - timedelta(days=1))
    assert calendar.is_working_day(last + timedelta(days=1))


def test_the_national_day_holiday_has_two_days(calendar):
    for year in (2025, 2026):
        names = dict(calendar.holidays(year))
        assert names[date(year, 9, 2)] == "Quốc khánh (2/9)"
        assert names[date(year, 9, 1)] == "Quốc khánh (ngày liền kề)"
        assert date(year, 9, 3) not in names


@pytest.mark.parametrize("saturday", [date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)])
def test_swapped_saturdays_are_working_days(calendar, saturday):
    assert saturday.weekday() == 5
    assert calendar.is_working_day(saturday)
    assert saturday in calendar.extra_working_days(saturday.year)
    assert not calendar.is_working_day(saturday + timedelta(days=1))


def test_tet_days_carry_their_lunar_names(calendar):
    names = dict(calendar.holidays(2026))
    assert names[date(2026, 2, 16)] == "Tết Âm lịch (29 tháng Chạp)"
    assert names[date(2026, 2, 20)] == "Tết Âm lịch (mùng 4 tháng Giêng)"


def test_the_2026_announcements_agree_with_the_derived_rules():
    # Everything 2026 announced beyond the law is a swap, except the Giỗ Tổ compensatory
    # day, which the derivation finds by itself.
    derived, _ = days_off(2026)
    compensatory = [h.day for h in derived if h.kind is HolidayKind.COMPENSATORY]
    assert compensatory == [date(2026, 4, 27)]
    assert default_national_day_adjacent(2026) == DECISIONS[2026].national_day_adjacent


@pytest.mark.parametrize(
    ("year", "chosen"),
    [(2021, 3), (2022, 1), (2023, 1), (2024, 3), (2025, 1), (2026, 1)],
)
def test_the_default_second_national_day_follows_practice(year, chosen):
    assert default_national_day_adjacent(year) == date(year, 9, chosen)


def test_a_year_without_a_decision_gets_compensatory_days(calendar):
    # 2028: 1/1 is a Saturday, 30/4 a Sunday; 1/5 (Monday) is itself a holiday.
    names = dict(calendar.holidays(2028))
    assert names[date(2028, 1, 3)] == "Nghỉ bù Tết Dương lịch (01/01)"
    assert names[date(2028, 5, 2)] == "Nghỉ bù Ngày Chiến thắng (30/4) (30/04)"
    assert not calendar.has_decision(2028)
    assert calendar.has_decision(2026)


def test_compensatory_days_skip_other_holidays_and_each_other():
    saturday, sunday = date(2026, 2, 14), date(2026, 2, 15)
    monday = date(2026, 2, 16)
    holidays = [
        Holiday(saturday, "A", HolidayKind.STATUTORY),
        Holiday(sunday, "B", HolidayKind.STATUTORY),
        Holiday(monday, "C", HolidayKind.STATUTORY),
    ]
    assert [h.day for h in compensatory_days(holidays)] == [date(2026, 2, 17), date(2026, 2, 18)]


def test_earlier_laws_gave_fewer_days():
    assert date(2005, 4, 19) not in {h.day for h in statutory_holidays(2005)}  # no Giỗ Tổ
    assert len([h for h in statutory_holidays(2012) if "Tết Âm" in h.name]) == 4
    assert len([h for h in statutory_holidays(2020) if "Quốc khánh" in h.name]) == 1


def test_the_unconfirmed_culture_day_is_opt_in():
    assert date(2026, 11, 24) not in dict(WorkCalendar().holidays(2026))
    with_it = WorkCalendar(rules=STATUTORY_HOLIDAYS + PROPOSED_HOLIDAYS)
    assert with_it.holidays(2026)[-1] == (date(2026, 11, 24), "Ngày Văn hóa Việt Nam (24/11)")
    assert date(2025, 11, 24) not in dict(with_it.holidays(2025))


def test_a_decision_may_list_the_statutory_days_too():
    decision = YearDecision(set(days(date(2025, 1, 27), date(2025, 1, 31))), set(), "Tết")
    listed, _ = days_off(2025, decision)
    assert len(listed) == len({h.day for h in listed})
    assert dict((h.day, h.name) for h in listed)[date(2025, 1, 29)].startswith("Tết Âm lịch")


def test_a_decision_can_make_a_statutory_day_a_working_day():
    cal = WorkCalendar({2030: YearDecision(set(), {date(2030, 2, 5)}, "4 Giêng làm việc")})
    assert cal.is_working_day(date(2030, 2, 5))
    assert date(2030, 2, 5) not in dict(cal.holidays(2030))


def test_a_swap_across_the_new_year_counts_in_the_right_year():
    decision = YearDecision({date(2027, 1, 2)}, {date(2026, 12, 26)}, "hoán đổi")
    cal = WorkCalendar({2027: decision})
    assert cal.is_working_day(date(2026, 12, 26))
    assert date(2026, 12, 26) in cal.extra_working_days(2026)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days_off": {date(2025, 1, 4)}, "working_days": {date(2025, 1, 4)}}, "both"),
        (
            {"days_off": set(), "working_days": set(), "national_day_adjacent": date(2025, 9, 4)},
            "1/9 or 3/9",
        ),
        (
            {"days_off": set(), "working_days": set(), "names": {date(2025, 1, 2): "x"}},
            "not days off",
        ),
    ],
)
def test_it_rejects_inconsistent_decisions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        YearDecision(**kwargs)
