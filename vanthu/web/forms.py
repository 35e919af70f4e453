"""Forms parse and render; the rules live in the actions (documents.validation)."""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Agency, Department, User
from vanthu.documents.models import Channel, DocumentType, Secrecy, SigningCapacity, Urgency
from vanthu.documents.validation import Metadata

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.abbreviation})" if obj.abbreviation else obj.name


class _MetadataForm(forms.Form):
    doc_type = DocumentTypeChoice(
        queryset=DocumentType.objects.all(), label="Loại văn bản", to_field_name="code"
    )
    subject = forms.CharField(
        label="Trích yếu nội dung", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label="Độ mật", choices=Secrecy.choices, initial=Secrecy.NORMAL)
    due_on = forms.DateField(label="Hạn xử lý", required=False, widget=DATE)
    description = forms.CharField(label="Ghi chú", required=False, max_length=500)

    def metadata(self) -> Metadata:
        d = self.cleaned_data
        return Metadata(
            doc_type_code=d["doc_type"].code,
            subject=d["subject"],
            number_text=d.get("number_text", ""),
            notation=d.get("notation", ""),
            issued_on=d.get("issued_on"),
            issuer_name=d.get("issuer_name", ""),
            issuer_code=d.get("issuer_code", ""),
            signer_name=d.get("signer_name", ""),
            signer_position=d.get("signer_position", ""),
            signing_capacity=d.get("signing_capacity", ""),
            urgency=d["urgency"],
            secrecy=d["secrecy"],
            due_on=d.get("due_on"),
            page_amount=d.get("page_amount"),
            issued_amount=d.get("issued_amount"),
            description=d.get("description", ""),
            recipients_text=d.get("recipients_text", ""),
            is_normative=d.get("is_normative", False),
        )


class IncomingForm(_MetadataForm):
    field_order = [
        "channel",
        "file",
        "doc_type",
        "number_text",
        "notation",
        "issued_on",
        "issuer_name",
        "subject",
        "signer_name",
        "signer_position",
        "urgency",
        "secrecy",
        "due_on",
        "page_amount",
        "description",
    ]
    channel = forms.ChoiceField(
        label="Hình thức nhận", choices=Channel.choices, initial=Channel.PAPER
    )
    file = forms.FileField(label="Tệp văn bản (PDF hoặc ảnh quét)")
    number_text = forms.CharField(label="Số", required=False, max_length=11)
    notation = forms.CharField(label="Ký hiệu", required=False, max_length=30)
    issued_on = forms.DateField(label="Ngày ban hành", widget=DATE)
    issuer_name = forms.CharField(label="Cơ quan ban hành", max_length=200)
    issuer_code = forms.CharField(
        label="Mã định danh cơ quan ban hành", required=False, max_length=35
    )
    signer_name = forms.CharField(label="Người ký", required=False, max_length=50)
    signer_position = forms.CharField(label="Chức vụ người ký", required=False, max_length=100)
    page_amount = forms.IntegerField(label="Số trang", required=False, min_value=1, max_value=999)
    confirm_duplicate = forms.BooleanField(
        label="Tôi đã kiểm tra, đây không phải văn bản trùng", required=False
    )


class OutgoingForm(_MetadataForm):
    field_order = [
        "doc_type",
        "is_normative",
        "subject",
        "file",
        "department",
        "signer",
        "signing_capacity",
        "signer_position",
        "recipients",
        "recipients_text",
        "urgency",
        "secrecy",
        "named_readers",
        "issued_amount",
        "due_on",
        "description",
    ]
    file = forms.FileField(label="Tệp dự thảo (.docx, .odt hoặc .pdf)")
    is_normative = forms.BooleanField(
        label="Văn bản quy phạm pháp luật (đánh số riêng theo loại)", required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label="Đơn vị soạn thảo", required=False
    )
    signer = forms.ModelChoiceField(queryset=User.objects.none(), label="Người ký")
    signing_capacity = forms.ChoiceField(
        label="Thẩm quyền ký", choices=SigningCapacity.choices, required=False
    )
    signer_position = forms.CharField(label="Chức vụ người ký", required=False, max_length=100)
    recipients = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        label="Gửi điện tử đến cơ quan",
        required=False,
        help_text="Giữ Ctrl để chọn nhiều cơ quan.",
    )
    recipients_text = forms.CharField(
        label="Nơi nhận (ghi trên văn bản)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    named_readers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="Người được xem (văn bản mật)"
    )
    issued_amount = forms.IntegerField(
        label="Số lượng bản", required=False, min_value=1, max_value=999
    )

    def __init__(self, *args, agency: Agency, signers, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = agency.departments.all()
        self.fields["signer"].queryset = signers
        self.fields["signer"].label_from_instance = lambda u: u.full_name
        self.fields["named_readers"].queryset = staff
        self.fields["named_readers"].label_from_instance = lambda u: u.full_name
        self.fields["recipients"].queryset = Agency.objects.exclude(pk=agency.pk).filter(
            valid_to__isnull=True
        )


class ReplaceFileForm(forms.Form):
    file = forms.FileField(label="Tệp dự thảo mới")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Đồng ý"), ("return", "Trả lại")])
    comment = forms.CharField(
        label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label="Lý do từ chối", widget=forms.Textarea(attrs={"rows": 2}))


class PresentForm(forms.Form):
    leader = forms.ModelChoiceField(queryset=User.objects.none(), label="Trình lãnh đạo")

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["leader"].label_from_instance = lambda u: u.full_name


class ForwardForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(), required=False, label="Phòng, ban"
    )
    users = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="Cán bộ"
    )
    note = forms.CharField(
        label="Ý kiến chuyển", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, agency, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = agency.departments.all()
        self.fields["users"].queryset = staff
        self.fields["users"].label_from_instance = lambda u: u.full_name
