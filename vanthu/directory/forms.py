"""Forms parse and render; the rules live in the actions (directory.validation).

Agencies are chosen by typing their code rather than from a list: the national directory
holds about 10⁵ of them, far too many for a select box or a datalist.
"""

from __future__ import annotations

from django import forms

from vanthu.directory.models import Agency, Department, Position, Role
from vanthu.directory.validation import AgencyInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE_HINT = "Mã định danh QCVN 102 gồm 13 ký tự, ví dụ 000.00.00.H41."


class AgencyCodeField(forms.CharField):
    """A QCVN 102 code typed by the user, resolved to the Agency that carries it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", CODE_HINT)
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(f"Không tìm thấy cơ quan có mã định danh «{code}».")
        return agency


class AgencyForm(forms.Form):
    # No max_length on the codes: the action explains what is wrong with a code in full,
    # which a generic "at most 13 characters" would not.
    code = forms.CharField(label="Mã định danh (QCVN 102)", help_text=CODE_HINT)
    code_qd20 = forms.CharField(
        label="Mã định danh (QĐ 20/2020)",
        required=False,
        help_text="Ví dụ H41.1.2; có thể bỏ trống.",
    )
    name = forms.CharField(label="Tên cơ quan")
    abbreviation = forms.CharField(
        label="Tên viết tắt", help_text="Dùng trong ký hiệu văn bản, ví dụ UBND, STC."
    )
    kind = forms.ChoiceField(label="Loại cơ quan", choices=Agency.Kind.choices)
    parent = AgencyCodeField(label="Mã định danh cơ quan cấp trên")
    email = forms.CharField(label="Thư điện tử", required=False)
    valid_from = forms.DateField(label="Hiệu lực từ ngày", widget=DATE)
    valid_to = forms.DateField(
        label="Hiệu lực đến ngày",
        required=False,
        widget=DATE,
        help_text="Để trống nếu cơ quan còn hoạt động.",
    )
    successor = AgencyCodeField(
        label="Mã định danh cơ quan kế thừa",
        help_text="Khi cơ quan hết hiệu lực (sáp nhập, giải thể): cơ quan tiếp nhận văn bản.",
    )

    @classmethod
    def for_agency(cls, agency: Agency, data=None):
        initial = {
            "code": agency.code,
            "code_qd20": agency.code_qd20,
            "name": agency.name,
            "abbreviation": agency.abbreviation,
            "kind": agency.kind,
            "parent": agency.parent.code if agency.parent_id else "",
            "email": agency.email,
            "valid_from": agency.valid_from,
            "valid_to": agency.valid_to,
            "successor": agency.successor.code if agency.successor_id else "",
        }
        return cls(data, initial=initial)

    def agency_input(self) -> AgencyInput:
        return AgencyInput(**self.cleaned_data)


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label="Mã đơn vị", help_text="Dùng trong ký hiệu công văn, ví dụ VP, KT, VX."
    )
    name = forms.CharField(label="Tên phòng, ban")


class UserCreateForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập")
    full_name = forms.CharField(label="Họ và tên")
    email = forms.CharField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", required=False, max_length=20)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Ít nhất 8 ký tự; người dùng nên đổi sau lần đăng nhập đầu.",
    )
    password_again = forms.CharField(
        label="Nhập lại mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "Mật khẩu nhập lại không khớp.")
        return data


class MembershipForm(forms.Form):
    agency = AgencyCodeField(label="Mã định danh cơ quan", required=True)
    department = forms.CharField(
        label="Mã phòng, ban",
        required=False,
        help_text="Ví dụ VP; để trống nếu vai trò gắn với cả cơ quan.",
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    position = forms.ModelChoiceField(
        label="Chức vụ", queryset=Position.objects.all(), required=False, empty_label="(không)"
    )
    valid_from = forms.DateField(label="Từ ngày", widget=DATE)
    valid_to = forms.DateField(label="Đến ngày", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        agency, code = data.get("agency"), data.get("department")
        data["department"] = None
        if agency is not None and code:
            department = Department.objects.filter(agency=agency, code=code).first()
            if department is None:
                self.add_error("department", f"{agency.name} không có phòng, ban mã «{code}».")
            data["department"] = department
        return data


class MembershipEndForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    valid_to = forms.DateField(
        label="Ngày cuối giữ vai trò",
        widget=DATE,
        help_text="Chọn ngày hôm qua để thu hồi quyền ngay.",
    )


class ImportForm(forms.Form):
    MAX_BYTES = 20 * 1024 * 1024  # the whole national list (~10⁵ rows) is a few MB

    file = forms.FileField(
        label="Tệp danh sách cơ quan (.csv hoặc .json, bảng mã UTF-8)",
        help_text="Các cột: id, code, code102, pid, name, mail — như danh sách trên trục liên thông.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Tệp quá lớn (tối đa 20 MB).")
        return upload
