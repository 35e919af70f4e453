"""Forms of the recall, update and replace screens. They parse and render; the rules (reason
required, recipients that can receive, fields that may change) live in the actions, so the
forms leave those fields optional and show the actions' Vietnamese messages."""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Agency
from vanthu.documents.models import Document, SigningCapacity, Urgency

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecipientsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _RequestForm(forms.Form):
    reason_label = "Lý do"

    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recipients = RecipientsField(
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label="Gửi yêu cầu đến",
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        open_recipients = [o["delivery"].recipient for o in options if not o["blocked"]]
        self.fields["recipients"].queryset = Agency.objects.filter(
            pk__in=[a.pk for a in open_recipients]
        ).order_by("name")
        # Every recipient that can receive the request is ticked: "all" is the usual case.
        self.fields["recipients"].initial = [a.code for a in open_recipients]
        self.fields["reason"].label = self.reason_label

    def selected_recipients(self) -> list[str]:
        return [str(v) for v in (self["recipients"].value() or [])]


class RecallForm(_RequestForm):
    reason_label = "Lý do thu hồi"


class UpdateForm(_RequestForm):
    reason_label = "Lý do cập nhật"
    field_order = [
        "subject",
        "urgency",
        "due_on",
        "page_amount",
        "signing_capacity",
        "signer_position",
        "signer_name",
        "file",
        "reason",
        "recipients",
    ]

    subject = forms.CharField(
        label="Trích yếu nội dung",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices)
    due_on = forms.DateField(label="Hạn xử lý", required=False, widget=DATE)
    page_amount = forms.IntegerField(label="Số trang", required=False, min_value=1, max_value=999)
    signing_capacity = forms.ChoiceField(
        label="Thẩm quyền ký", choices=SigningCapacity.choices, required=False
    )
    signer_position = forms.CharField(label="Chức vụ người ký", required=False, max_length=100)
    signer_name = forms.CharField(label="Người ký", required=False, max_length=50)
    file = forms.FileField(
        label="Tệp PDF thay thế (đã ký số)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="để trống nếu chỉ sửa thông tin",
    )

    CHANGE_FIELDS = (
        "subject",
        "urgency",
        "due_on",
        "page_amount",
        "signing_capacity",
        "signer_position",
        "signer_name",
    )

    @classmethod
    def initial_for(cls, doc: Document) -> dict:
        return {name: getattr(doc, name) for name in cls.CHANGE_FIELDS}

    def proposed(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.CHANGE_FIELDS}


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        issued = obj.issued_on.strftime("%d/%m/%Y") if obj.issued_on else ""
        subject = obj.subject if len(obj.subject) <= 80 else obj.subject[:79] + "…"
        return f"{obj.reference} ({issued}) — {subject}"


class ReplaceForm(_RequestForm):
    reason_label = "Lý do thay thế"
    field_order = ["replacement", "reason", "recipients"]

    replacement = DocumentChoice(
        queryset=Document.objects.none(),
        required=False,
        to_field_name="public_id",
        label="Văn bản thay thế",
        empty_label="— chọn văn bản đã phát hành —",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = candidates


class AnswerForm(forms.Form):
    note = forms.CharField(
        label="Ghi chú (bắt buộc khi từ chối)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
