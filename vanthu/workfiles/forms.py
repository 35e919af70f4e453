"""Forms of the work-file pages: they parse and render; the rules live in actions.py."""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Department


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.agency.abbreviation}"


class OpenWorkFileForm(forms.Form):
    department = DepartmentChoice(queryset=Department.objects.none(), label="Phòng, ban")
    code = forms.CharField(
        label="Số và ký hiệu hồ sơ",
        max_length=30,
        help_text="Theo danh mục hồ sơ của cơ quan, ví dụ KT-2026-05.",
    )
    title = forms.CharField(
        label="Tiêu đề hồ sơ", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention = forms.CharField(
        label="Thời hạn bảo quản",
        required=False,
        max_length=50,
        help_text="Số năm (ví dụ 10) hoặc «Vĩnh viễn».",
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
