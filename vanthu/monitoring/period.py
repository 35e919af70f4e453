"""The period a monitoring page looks at, and the working-day calendar it judges it by."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms

from vanthu.documents.numbering import local_today
from vanthu.holidays.calendar import work_calendar as entered_calendar
from vanthu.workdays import FIRST_YEAR, LAST_YEAR, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]
# The registration deadlines of a period become one CASE branch per working day (see
# queries.registration_deadline); a year keeps that expression and the page reasonable.
MAX_DAYS = 366


def work_calendar() -> WorkCalendar:
    # Statutory holidays plus the yearly decisions administrators entered (/ngay-nghi/).
    return entered_calendar()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN)


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.date_from)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return local_midnight(self.date_to + timedelta(days=1))

    @property
    def label(self) -> str:
        return f"Từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"

    def query(self) -> str:
        return f"from={self.date_from:%Y-%m-%d}&to={self.date_to:%Y-%m-%d}"

    @classmethod
    def current_month(cls) -> Period:
        today = local_today()
        last = month_calendar.monthrange(today.year, today.month)[1]
        return cls(today.replace(day=1), today.replace(day=last))


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": f"«{label}» không phải ngày hợp lệ (ngày/tháng/năm)."},
    )


class PeriodForm(forms.Form):
    """from/to in the query string; both empty means the current month."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: added here, with the names the registers already use.
        self.fields["from"] = _date_field("Từ ngày")
        self.fields["to"] = _date_field("Đến ngày")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if not start and not end:
            default = Period.current_month()
            start, end = default.date_from, default.date_to
        elif not start or not end:
            raise forms.ValidationError("Hãy nhập cả «Từ ngày» và «Đến ngày».")
        # The calendar knows Tết only for these years (lunar tables); the day after the
        # period must stay inside them too.
        if not (FIRST_YEAR <= start.year and end.year < LAST_YEAR):
            raise forms.ValidationError(
                f"Chỉ giám sát được từ năm {FIRST_YEAR} đến hết năm {LAST_YEAR - 1}."
            )
        if start > end:
            raise forms.ValidationError("«Từ ngày» phải trước hoặc trùng «Đến ngày».")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError("Mỗi lần chỉ xem được tối đa một năm (366 ngày).")
        data["from"], data["to"] = start, end
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["from"], self.cleaned_data["to"])

    def error_messages(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]
