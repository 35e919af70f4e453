"""Forms parse and render; the rules live in vanthu.delegation.actions."""

from __future__ import annotations

from django import forms

from vanthu.delegation.actions import DelegationInput
from vanthu.delegation.models import Power
from vanthu.documents.models import SigningCapacity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class DelegationForm(forms.Form):
    principal = PersonChoice(
        label="Người ủy quyền",
        queryset=None,
        required=False,
        help_text="Người vắng mặt hoặc người giao quyền.",
    )
    delegate = PersonChoice(
        label="Người được ủy quyền",
        queryset=None,
        required=False,
        help_text="Người ký thay, xử lý thay.",
    )
    power = forms.ChoiceField(label="Nội dung ủy quyền", choices=Power.choices, initial=Power.SIGN)
    capacity = forms.ChoiceField(
        label="Thẩm quyền ký",
        choices=SigningCapacity.choices,
        required=False,
        initial=SigningCapacity.KT,
        help_text="In trên văn bản trước chức vụ người ký. TUQ. không được ủy quyền lại.",
    )
    valid_from = forms.DateField(label="Từ ngày", widget=DATE, required=False)
    valid_to = forms.DateField(
        label="Đến hết ngày", widget=DATE, required=False, help_text="Tính cả ngày này."
    )
    reason = forms.CharField(
        label="Lý do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: đi công tác nước ngoài, nghỉ phép năm.",
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = staff
        self.fields["delegate"].queryset = staff

    def delegation_input(self) -> DelegationInput:
        d = self.cleaned_data
        return DelegationInput(
            principal=d.get("principal"),
            delegate=d.get("delegate"),
            power=d.get("power") or "",
            capacity=d.get("capacity") or "",
            valid_from=d.get("valid_from"),
            valid_to=d.get("valid_to"),
            reason=d.get("reason") or "",
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Lý do thu hồi",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: lãnh đạo đã về cơ quan sớm hơn dự kiến.",
    )
