from datetime import UTC, date, datetime, time

import pytest

from vanthu.workdays.calendar import VIETNAM_TZ, DueState, OutOfRangeError, WorkCalendar

cal = WorkCalendar()


def at(*args):
    return datetime(*args, tzinfo=VIETNAM_TZ)


def test_weekends_are_not_working_days():
    assert cal.is_working_day(date(2026, 3, 6))  # Friday
    assert not cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_a_deadline_crosses_tet():
    # Thursday 12/02/2026: Friday 13 is day 1, then nine days off, then 23–26/02.
    assert cal.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5


def test_zero_days_means_the_day_itself_or_the_next_working_day():
    assert cal.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert cal.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="zero or positive"):
        cal.add_working_days(date(2026, 3, 6), -1)


def test_a_swapped_saturday_counts_as_a_working_day():
    # Friday 02/01/2026 is off, Saturday 10/01 is worked.
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert cal.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)
    assert cal.working_days_between(date(2026, 1, 5), date(2026, 1, 12)) == 6


def test_working_days_between_is_antisymmetric():
    a, b = date(2026, 1, 1), date(2026, 12, 31)
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)
    assert cal.working_days_between(a, a) == 0


def test_2026_has_the_expected_number_of_working_days():
    # 261 weekdays, 11 weekday holidays and days off (26/04 is a Sunday), 2 Saturdays worked.
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 13 + 2


def test_a_receipt_before_the_cutoff_counts_from_that_day():
    received = at(2026, 3, 10, 14, 59)
    assert cal.receipt_day(received) == date(2026, 3, 10)
    assert cal.deadline_from_receipt(received, 3) == date(2026, 3, 13)


def test_a_receipt_after_the_cutoff_counts_from_the_next_working_day():
    received = at(2026, 3, 10, 15, 1)
    assert cal.receipt_day(received) == date(2026, 3, 11)
    assert cal.deadline_from_receipt(received, 3) == date(2026, 3, 16)
    friday_evening = at(2026, 3, 13, 16, 30)
    assert cal.deadline_from_receipt(friday_evening, 1) == date(2026, 3, 17)


def test_a_receipt_on_a_non_working_day_counts_from_the_next_working_day():
    assert cal.deadline_from_receipt(at(2026, 2, 15, 9, 0), 5) == date(2026, 3, 2)
    # The swapped Saturday is a working day, so a morning receipt counts that day.
    assert cal.receipt_day(at(2026, 1, 10, 9, 0)) == date(2026, 1, 10)


def test_receipts_are_read_in_vietnam_time():
    # 09:00 UTC is 16:00 in Hà Nội: after the cutoff.
    assert cal.receipt_day(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)) == date(2026, 3, 11)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.receipt_day(datetime(2026, 3, 10, 9, 0))  # noqa: DTZ001


def test_the_cutoff_is_configurable():
    late = WorkCalendar(cutoff=time(17, 0))
    assert late.receipt_day(at(2026, 3, 10, 16, 30)) == date(2026, 3, 10)


def test_office_hours():
    assert cal.is_office_time(at(2026, 3, 10, 7, 30))
    assert not cal.is_office_time(at(2026, 3, 10, 12, 0))
    assert not cal.is_office_time(at(2026, 3, 10, 17, 0))
    assert not cal.is_office_time(at(2026, 2, 17, 9, 0))
    with pytest.raises(ValueError, match="office hours"):
        WorkCalendar(office_hours=((time(8), time(12)), (time(11), time(17))))


def test_a_six_day_week_works_on_saturdays():
    six = WorkCalendar(weekend=(6,))
    assert six.is_working_day(date(2026, 3, 7))
    assert six.add_working_days(date(2026, 3, 6), 2) == date(2026, 3, 9)


def test_it_refuses_dates_outside_its_years():
    with pytest.raises(OutOfRangeError):
        cal.is_working_day(date(2051, 1, 2))
    with pytest.raises(OutOfRangeError):
        cal.holidays(1999)
    assert cal.add_working_days(date(2000, 1, 3), 1) == date(2000, 1, 4)


@pytest.mark.parametrize(
    ("finished", "state"),
    [
        (date(2026, 3, 12), DueState.EARLY),
        (date(2026, 3, 13), DueState.ON_TIME),
        (date(2026, 3, 16), DueState.LATE),
    ],
)
def test_finished_work_is_early_on_time_or_late(finished, state):
    due = date(2026, 3, 13)
    assert cal.completion_state(due, finished) is state
    assert cal.due_state(due, today=date(2026, 4, 1), finished=finished) is state


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 3, 9), DueState.IN_TIME),  # four working days left
        (date(2026, 3, 12), DueState.DUE_SOON),  # due tomorrow
        (date(2026, 3, 13), DueState.DUE_SOON),  # due today
        (date(2026, 3, 14), DueState.LATE),
    ],
)
def test_open_work_is_in_time_due_soon_or_late(today, state):
    assert cal.due_state(date(2026, 3, 13), today) is state


def test_due_soon_counts_working_days():
    # Friday 13/02/2026 to Monday 23/02 is one working day across Tết.
    assert cal.is_due_soon(date(2026, 2, 23), date(2026, 2, 13), within=1)
    assert not cal.is_due_soon(date(2026, 2, 24), date(2026, 2, 13), within=1)
    assert cal.is_due_soon(date(2026, 2, 24), date(2026, 2, 13), within=2)
