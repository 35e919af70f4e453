"""Working-day deadlines and due markers of assignments, on the shared Vietnamese calendar."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from vanthu.documents.numbering import local_today
from vanthu.holidays.calendar import work_calendar as entered_calendar
from vanthu.workdays import DueState, OutOfRangeError, WorkCalendar


def work_calendar() -> WorkCalendar:
    # Statutory holidays plus the yearly decisions administrators entered (/ngay-nghi/).
    return entered_calendar()


def reminder_days() -> int:
    """Working days before the deadline when the assignee is reminded (setting, default 1)."""
    return int(getattr(settings, "VANTHU_REMINDER_WORKING_DAYS", 1))


def deadline_in_working_days(n: int, now: datetime | None = None) -> date:
    """The date n working days from now. Given after the cut-off hour or on a day off, the
    count starts from the next working day, as for a receipt (vanthu.workdays)."""
    return work_calendar().deadline_from_receipt(now or timezone.now(), n)


def due_state(due: date | None, today: date | None = None, finished: date | None = None) -> str:
    """ "late", "due_soon", "in_time", … (DueState) or "" when there is no deadline."""
    if due is None:
        return ""
    try:
        return work_calendar().due_state(
            due, today or local_today(), finished, soon_within=reminder_days()
        )
    except OutOfRangeError:
        return ""


DUE_LABELS = {
    DueState.LATE: "Quá hạn",
    DueState.DUE_SOON: "Sắp đến hạn",
    DueState.IN_TIME: "Trong hạn",
    DueState.EARLY: "Trước hạn",
    DueState.ON_TIME: "Đúng hạn",
}
