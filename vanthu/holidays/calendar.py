"""The working-day calendar every Django part uses: vanthu.workdays with the decisions
administrators entered (a year entered here replaces the shipped decision of that year).

Built once per process and rebuilt when the entered decisions change; the check costs one
small query at most once a minute, so deadlines computed in lists stay cheap. Holiday
decisions change a few times a year, and each save rebuilds this process's copy at once.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from django.db.models import Count, Max

from vanthu.workdays import DECISIONS, WorkCalendar
from vanthu.workdays.holidays import YearDecision

RECHECK_SECONDS = 60.0

_lock = threading.Lock()
_state: dict = {"calendar": None, "stamp": None, "checked": 0.0}


def _stamp():
    from vanthu.holidays.models import YearDecisionRecord

    return tuple(YearDecisionRecord.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())


def entered_decisions() -> dict[int, YearDecision]:
    from vanthu.holidays.models import DecisionDay, YearDecisionRecord

    decisions: dict[int, YearDecision] = {}
    for record in YearDecisionRecord.objects.prefetch_related("days"):
        days: list[DecisionDay] = list(record.days.all())
        off = [d for d in days if d.kind == DecisionDay.Kind.OFF]
        decisions[record.year] = YearDecision(
            days_off={d.day for d in off},
            working_days={d.day for d in days if d.kind == DecisionDay.Kind.WORKING},
            note=record.note,
            national_day_adjacent=record.national_day_adjacent,
            names={d.day: d.name for d in off if d.name},
            sources=tuple(line for line in record.sources.splitlines() if line.strip()),
        )
    return decisions


def work_calendar() -> WorkCalendar:
    now = time.monotonic()
    with _lock:
        current = _state["calendar"]
        if current is not None and now - _state["checked"] < RECHECK_SECONDS:
            return current
        stamp = _stamp()
        if current is None or stamp != _state["stamp"]:
            current = WorkCalendar({**DECISIONS, **entered_decisions()})
            _state.update(calendar=current, stamp=stamp)
        _state["checked"] = now
        return current


def refresh() -> None:
    """Forget this process's calendar (after a save, and in tests)."""
    with _lock:
        _state.update(calendar=None, stamp=None, checked=0.0)


def is_working_day(day: date) -> bool:
    return work_calendar().is_working_day(day)
