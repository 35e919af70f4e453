"""The preferences form. Per-kind choices are shown as "receive" boxes and stored as the
kinds switched off (see Preference.muted)."""

from __future__ import annotations

from django import forms

from vanthu.notifications.models import KIND_LABELS, Channel, Preference

KIND_CHOICES = list(KIND_LABELS.items())


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label="Nhận thông báo qua thư điện tử", required=False)
    email_kinds = forms.MultipleChoiceField(
        label="Các loại thông báo gửi qua thư điện tử",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_enabled = forms.BooleanField(
        label="Nhận tin nhắn SMS",
        required=False,
        help_text="Chỉ các tin quan trọng, ví dụ ý kiến chỉ đạo của lãnh đạo.",
    )
    sms_kinds = forms.MultipleChoiceField(
        label="Các loại thông báo gửi qua SMS",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_phone = forms.CharField(
        label="Số điện thoại di động nhận SMS",
        max_length=20,
        required=False,
        help_text="Để trống để dùng số điện thoại trong danh bạ.",
    )
    digest_enabled = forms.BooleanField(
        label="Nhận thư tổng hợp các thông báo chưa đọc mỗi ngày", required=False
    )

    @classmethod
    def for_preference(cls, pref: Preference, data=None) -> PreferenceForm:
        muted = pref.muted or {}
        initial = {
            "email_enabled": pref.email_enabled,
            "sms_enabled": pref.sms_enabled,
            "sms_phone": pref.sms_phone,
            "digest_enabled": pref.digest_enabled,
            "email_kinds": [k for k in KIND_LABELS if k not in muted.get(Channel.EMAIL, [])],
            "sms_kinds": [k for k in KIND_LABELS if k not in muted.get(Channel.SMS, [])],
        }
        return cls(data, initial=initial)

    def muted(self, pref: Preference) -> dict[str, list[str]]:
        """Kinds unticked here, plus kinds unknown to this form that were already muted."""
        result = {}
        for channel, field in ((Channel.EMAIL, "email_kinds"), (Channel.SMS, "sms_kinds")):
            kept = [k for k in (pref.muted or {}).get(channel, []) if k not in KIND_LABELS]
            off = [k for k in KIND_LABELS if k not in self.cleaned_data[field]]
            if kept or off:
                result[str(channel)] = kept + off
        return result
