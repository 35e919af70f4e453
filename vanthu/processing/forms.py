"""Forms of the processing pages: they parse and render; the rules live in actions.py.

People and departments are chosen by public codes ("d:KT", "u:<uuid>"), never by primary key.
"""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Department, User
from vanthu.reports.forms import DATE_INPUTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(departments, people) -> list:
    choices = []
    if departments:
        choices.append(("Phòng, ban", [(f"d:{d.code}", d.name) for d in departments]))
    if people:
        choices.append(
            ("Cán bộ", [(f"u:{u.public_id}", u.full_name or u.username) for u in people])
        )
    return choices


class _SlipForm(forms.Form):
    lead = forms.ChoiceField(
        label="Chủ trì xử lý", error_messages={"required": "Hãy chọn đơn vị hoặc người chủ trì."}
    )
    co = forms.MultipleChoiceField(label="Phối hợp", required=False)
    info = forms.MultipleChoiceField(label="Nhận để biết", required=False)
    due_on = forms.DateField(
        label="Hạn xử lý (ngày)", required=False, widget=DATE, input_formats=DATE_INPUTS
    )
    directive = forms.CharField(
        label="Ý kiến chỉ đạo",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, departments=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._departments = {f"d:{d.code}": d for d in departments}
        self._people = {f"u:{u.public_id}": u for u in people}
        choices = _choices(departments, people)
        self.fields["lead"].choices = [("", "— chọn —"), *choices]
        for name in ("co", "info"):
            self.fields[name].choices = choices
            self.fields[name].widget.attrs["size"] = 6

    def target(self, key: str) -> User | Department:
        return self._departments.get(key) or self._people[key]

    def targets(self) -> dict:
        d = self.cleaned_data
        return {
            "lead": self.target(d["lead"]),
            "co": [self.target(k) for k in d["co"]],
            "info": [self.target(k) for k in d["info"]],
        }


class AssignForm(_SlipForm):
    due_working_days = forms.IntegerField(
        label="hoặc số ngày làm việc",
        required=False,
        min_value=1,
        max_value=250,
        help_text="tính từ hôm nay, trừ ngày nghỉ lễ, Tết",
    )
    field_order = ["lead", "co", "info", "due_working_days", "due_on", "directive"]


class ReassignForm(_SlipForm):
    pass


class ProgressForm(forms.Form):
    text = forms.CharField(
        label="Tiến độ",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Hãy nhập nội dung tiến độ."},
    )


class CompleteForm(forms.Form):
    result_note = forms.CharField(
        label="Kết quả xử lý",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result_document = forms.ChoiceField(label="Văn bản trả lời (nếu có)", required=False)

    def __init__(self, *args, replies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._replies = {str(d.public_id): d for d in replies}
        self.fields["result_document"].choices = [("", "— không —")] + [
            (str(d.public_id), f"{d.reference or '(chưa số)'} — {d.subject[:80]}") for d in replies
        ]

    def reply(self):
        key = self.cleaned_data.get("result_document")
        return self._replies.get(key) if key else None


class LogQueryForm(forms.Form):
    agency = forms.ChoiceField(label="Cơ quan")
    date_from = forms.DateField(label="Từ ngày", widget=DATE, input_formats=DATE_INPUTS)
    date_to = forms.DateField(label="Đến ngày", widget=DATE, input_formats=DATE_INPUTS)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {a.code: a for a in agencies}
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "«Đến ngày» phải sau «Từ ngày».")
        if start and end and (end - start).days > 366:
            self.add_error("date_to", "Mỗi lần xem tối đa một năm.")
        return data

    def chosen_agency(self):
        return self._agencies[self.cleaned_data["agency"]]
