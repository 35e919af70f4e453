"""The weekly table as plain rows, shared by the page, the PDF and the published copy.

An entry becomes a dict of display strings (`entry_row`); the published copy of a week is
a list of those dicts, so a published calendar renders exactly as it was published even if
a leader's name or a department is renamed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from vanthu.holidays.calendar import work_calendar
from vanthu.workdays import OutOfRangeError, WorkCalendar

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
AFTERNOON_FROM = time(12, 0)
EVENING_FROM = time(18, 0)


def calendar() -> WorkCalendar:
    # Statutory holidays plus the yearly decisions administrators entered (/ngay-nghi/).
    return work_calendar()


def session_of(start: time) -> str:
    """Sáng / Chiều / Tối, the grouping of the usual provincial weekly calendar."""
    if start < AFTERNOON_FROM:
        return "Sáng"
    if start < EVENING_FROM:
        return "Chiều"
    return "Tối"


def format_time(value: time | None) -> str:
    return f"{value.hour:02d}h{value.minute:02d}" if value else ""


def entry_row(entry) -> dict:
    chair = entry.chair_text
    if entry.chair_user_id:
        chair = entry.chair_user.full_name or entry.chair_user.username
    preparing = entry.preparing_text
    if entry.preparing_department_id:
        preparing = entry.preparing_department.name
    return {
        "id": str(entry.public_id),
        "day": entry.day.isoformat(),
        "start": format_time(entry.start_time),
        "end": format_time(entry.end_time),
        "session": session_of(entry.start_time),
        "content": entry.content,
        "place": entry.place,
        "chair": chair,
        "participants": entry.participants,
        "preparing": preparing,
        "note": entry.note,
    }


def time_label(row: dict) -> str:
    return f"{row['start']} – {row['end']}" if row["end"] else row["start"]


@dataclass
class Session:
    name: str
    rows: list[dict]


@dataclass
class Day:
    day: date
    weekday: str
    holiday: str = ""
    extra_working: bool = False
    is_today: bool = False
    sessions: list[Session] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.weekday}, {self.day:%d/%m/%Y}"

    @property
    def is_empty(self) -> bool:
        return not self.sessions


def holiday_marks(monday: date) -> tuple[dict[date, str], set[date]]:
    """Public holidays (with their names) and swapped working weekend days of the week."""
    cal = calendar()
    sunday = monday + timedelta(days=6)
    names: dict[date, str] = {}
    extra: set[date] = set()
    for year in {monday.year, sunday.year}:
        try:
            names.update((h.day, h.name) for h in cal.holiday_details(year))
            extra.update(cal.extra_working_days(year))
        except OutOfRangeError:
            continue  # outside 2000–2050 there is no holiday data: nothing is marked
    return names, extra


def build_days(monday: date, rows: list[dict], today: date | None = None) -> list[Day]:
    names, extra = holiday_marks(monday)
    by_day: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r["day"], r["start"])):
        by_day.setdefault(row["day"], []).append(row)
    days = []
    for offset, weekday in enumerate(WEEKDAYS):
        current = monday + timedelta(days=offset)
        day = Day(
            day=current,
            weekday=weekday,
            holiday=names.get(current, ""),
            extra_working=current in extra,
            is_today=current == today,
        )
        for row in by_day.get(current.isoformat(), []):
            row = {**row, "time": time_label(row)}
            if day.sessions and day.sessions[-1].name == row["session"]:
                day.sessions[-1].rows.append(row)
            else:
                day.sessions.append(Session(row["session"], [row]))
        days.append(day)
    return days
