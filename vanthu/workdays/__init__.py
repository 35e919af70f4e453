"""Vietnam's working-day calendar: lunar calendar, public holidays as data, deadlines.

Pure Python (standard library only, no Django), so that models, actions, tasks and the CLI
can all depend on it.
"""

from vanthu.workdays.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    VIETNAM_TZ,
    DueState,
    OutOfRangeError,
    WorkCalendar,
)
from vanthu.workdays.decisions import DECISIONS
from vanthu.workdays.holidays import Holiday, HolidayKind, YearDecision
from vanthu.workdays.lunar import LunarDate, lunar_to_solar, solar_to_lunar

__all__ = [
    "DECISIONS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "VIETNAM_TZ",
    "DueState",
    "Holiday",
    "HolidayKind",
    "LunarDate",
    "OutOfRangeError",
    "WorkCalendar",
    "YearDecision",
    "lunar_to_solar",
    "solar_to_lunar",
]
