"""The choice of register, agency and period, shared by the preview and the exports."""

from __future__ import annotations

import calendar
from datetime import date

from django import forms
from django.utils import timezone

from vanthu.reports.catalogue import REGISTERS
from vanthu.reports.exports import Period
from vanthu.reports.registers import VN

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Chưa nhập «{label}».",
            "invalid": f"«{label}» không phải ngày hợp lệ (ngày/tháng/năm).",
        },
    )


def current_month() -> dict:
    today = timezone.localdate(timezone=VN)
    last_day = calendar.monthrange(today.year, today.month)[1]
    return {"from": today.replace(day=1), "to": today.replace(day=last_day)}


class RegisterQueryForm(forms.Form):
    agency = forms.ChoiceField(
        label="Cơ quan",
        error_messages={
            "required": "Chưa chọn cơ quan.",
            "invalid_choice": "Bạn không được xem sổ của cơ quan này hoặc mã cơ quan không đúng.",
        },
    )
    register = forms.ChoiceField(
        label="Loại sổ",
        choices=[(r.slug, r.name) for r in REGISTERS.values()],
        error_messages={
            "required": "Chưa chọn loại sổ.",
            "invalid_choice": "Loại sổ không tồn tại.",
        },
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        # Agencies are chosen by their public code, never by primary key (STYLE rule 5).
        self._agencies = {a.code: a for a in agencies}
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]
        # "from" is a Python keyword, so these two cannot be class attributes; the query
        # string keeps the names the document lists already use.
        self.fields["from"] = _date_field("Từ ngày")
        self.fields["to"] = _date_field("Đến ngày")

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        for name, value in (("from", start), ("to", end)):
            # Also keeps date + 1 day (the end of the period) away from date.max.
            if value and not (EARLIEST <= value <= LATEST):
                self.add_error(name, "Ngày phải trong khoảng từ năm 1900 đến năm 2999.")
        if start and end and start > end:
            raise forms.ValidationError("«Từ ngày» phải trước hoặc trùng «Đến ngày».")
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(
            register=REGISTERS[data["register"]],
            agency=self._agencies[data["agency"]],
            date_from=data["from"],
            date_to=data["to"],
        )

    def error_messages(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]
