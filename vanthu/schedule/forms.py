"""The entry form parses and renders; the rules (and their messages) live in actions.validate,
so every field the rules check is optional here."""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Agency, Department
from vanthu.schedule.actions import EntryData, chair_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class EntryForm(forms.Form):
    day = forms.DateField(label="Ngày", required=False, widget=DATE)
    start_time = forms.TimeField(label="Giờ bắt đầu", required=False, widget=TIME)
    end_time = forms.TimeField(label="Giờ kết thúc", required=False, widget=TIME)
    content = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.CharField(label="Địa điểm", required=False)
    chair_user = LeaderChoice(
        label="Lãnh đạo chủ trì",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="— Không chọn —",
    )
    chair_text = forms.CharField(
        label="hoặc ghi tên người chủ trì", required=False, help_text="Ví dụ: Đại diện Sở Y tế"
    )
    participants = forms.CharField(
        label="Thành phần", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preparing_department = forms.ModelChoiceField(
        label="Phòng, ban chuẩn bị",
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="— Không chọn —",
    )
    preparing_text = forms.CharField(label="hoặc ghi tên đơn vị chuẩn bị", required=False)
    note = forms.CharField(label="Ghi chú", required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair_user"].queryset = chair_candidates(agency)
        self.fields["preparing_department"].queryset = Department.objects.filter(
            agency=agency
        ).order_by("name")

    @classmethod
    def initial_from(cls, entry) -> dict:
        return {
            "day": entry.day,
            "start_time": entry.start_time,
            "end_time": entry.end_time,
            "content": entry.content,
            "place": entry.place,
            "chair_user": entry.chair_user.public_id if entry.chair_user_id else None,
            "chair_text": entry.chair_text,
            "participants": entry.participants,
            "preparing_department": (
                entry.preparing_department.code if entry.preparing_department_id else None
            ),
            "preparing_text": entry.preparing_text,
            "note": entry.note,
        }

    def entry_data(self) -> EntryData:
        d = self.cleaned_data
        return EntryData(
            day=d["day"],
            start_time=d["start_time"],
            end_time=d["end_time"],
            content=d["content"],
            place=d["place"],
            chair_user=d["chair_user"],
            chair_text=d["chair_text"],
            participants=d["participants"],
            preparing_department=d["preparing_department"],
            preparing_text=d["preparing_text"],
            note=d["note"],
        )
