"""The form of one year's decision: days as lines of text, which clerks copy straight from
the government's notice ("31/12/2026 Nghỉ bù …")."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms

_LINE = re.compile(r"^\s*(\d{1,2}/\d{1,2}/\d{4})\s*(.*)$")


def _parse_lines(text: str, *, with_names: bool) -> list:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                f"Dòng {number}: cần bắt đầu bằng ngày dạng dd/mm/yyyy, ví dụ «02/01/2026»."
            )
        try:
            day = datetime.strptime(match[1], "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            raise forms.ValidationError(
                f"Dòng {number}: «{match[1]}» không phải ngày có thật."
            ) from None
        rows.append((day, match[2].strip()[:200]) if with_names else day)
    return rows


class DecisionForm(forms.Form):
    days_off = forms.CharField(
        label="Ngày nghỉ thêm theo quyết định (nghỉ bù, hoán đổi)",
        help_text="Mỗi dòng một ngày: dd/mm/yyyy rồi tên, lý do. Không nhập các ngày lễ, Tết "
        "theo luật: hệ thống tự tính (kể cả Tết âm lịch, Giỗ Tổ).",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    working_days = forms.CharField(
        label="Ngày làm bù (thứ Bảy, Chủ nhật đi làm)",
        help_text="Mỗi dòng một ngày dd/mm/yyyy.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    national_day_adjacent = forms.ChoiceField(
        label="Ngày nghỉ Quốc khánh thứ hai",
        choices=[("", "Theo mặc định"), ("1", "01/9"), ("3", "03/9")],
        required=False,
    )
    note = forms.CharField(label="Tóm tắt", max_length=500, required=False)
    sources = forms.CharField(
        label="Căn cứ (mỗi dòng một văn bản)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_days_off(self):
        return _parse_lines(self.cleaned_data["days_off"], with_names=True)

    def clean_working_days(self):
        return _parse_lines(self.cleaned_data["working_days"], with_names=False)

    def adjacent(self, year: int) -> date | None:
        value = self.cleaned_data.get("national_day_adjacent")
        return date(year, 9, int(value)) if value else None

    @staticmethod
    def initial_for(record) -> dict:
        if record is None:
            return {}
        days = list(record.days.all())
        return {
            "days_off": "\n".join(
                f"{d.day:%d/%m/%Y} {d.name}".strip() for d in days if d.kind == "off"
            ),
            "working_days": "\n".join(f"{d.day:%d/%m/%Y}" for d in days if d.kind == "working"),
            "national_day_adjacent": str(record.national_day_adjacent.day)
            if record.national_day_adjacent
            else "",
            "note": record.note,
            "sources": record.sources,
        }
