"""Rules for directory data. Each function returns {field: Vietnamese message}; the actions
raise ValidationFailed with it before writing anything, so a form never half-saves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from vanthu.directory.codes import qcvn102_error, qd20_error
from vanthu.directory.models import Agency, Department, Membership, Role, User

# Abbreviations and department codes are printed inside the notation (ký hiệu) of a document,
# e.g. "15/QĐ-UBND" or "120/UBND-VP" (Decree 30/2020 Appendix I), where "/" separates the
# number and spaces would split the notation.
_NOTATION_FORBIDDEN = set("/ \t")
# Guards a walk up a parent chain against a cycle already stored by an older bug or import.
_MAX_DEPTH = 64


def validate_agency_fields(code: str, code_qd20: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if err := qcvn102_error(code):
        errors["code"] = err
    if err := qd20_error(code_qd20):
        errors["code_qd20"] = err
    if not name.strip():
        errors["name"] = "Chưa nhập tên cơ quan."
    elif len(name) > 200:
        errors["name"] = "Tên cơ quan dài tối đa 200 ký tự."
    return errors


@dataclass
class AgencyInput:
    code: str
    name: str
    abbreviation: str
    code_qd20: str = ""
    kind: str = Agency.Kind.OTHER
    parent: Agency | None = None
    email: str = ""
    valid_from: date = field(default_factory=lambda: date(2000, 1, 1))
    valid_to: date | None = None
    successor: Agency | None = None


def email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return "Địa chỉ thư điện tử không hợp lệ."
    return None


def period_error(valid_from: date | None, valid_to: date | None) -> str | None:
    if valid_from and valid_to and valid_to < valid_from:
        return "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."
    return None


def _notation_part_error(value: str, label: str, max_length: int) -> str | None:
    if not value.strip():
        return f"Chưa nhập {label}."
    if len(value) > max_length:
        return f"{label.capitalize()} dài tối đa {max_length} ký tự."
    if _NOTATION_FORBIDDEN & set(value):
        return f"{label.capitalize()} không được chứa khoảng trắng hoặc dấu «/» (dùng trong ký hiệu văn bản)."
    return None


def _chain_reaches(start: Agency | None, target_pk: int | None, attribute: str) -> bool:
    """Whether following `attribute` (parent or successor) from `start` arrives at `target_pk`."""
    current_id = start.pk if start is not None else None
    for _ in range(_MAX_DEPTH):
        if current_id is None:
            return False
        if current_id == target_pk:
            return True
        current_id = (
            Agency.objects.filter(pk=current_id).values_list(f"{attribute}_id", flat=True).first()
        )
    return True  # deeper than any real tree: treat as a cycle rather than loop forever


def parent_error(agency: Agency | None, parent: Agency | None) -> str | None:
    if parent is None or agency is None or agency.pk is None:
        return None
    if _chain_reaches(parent, agency.pk, "parent"):
        return "Cơ quan cấp trên không hợp lệ: cơ quan này đang là cấp trên (trực tiếp hoặc gián tiếp) của cơ quan được chọn."
    return None


def validate_agency(data: AgencyInput, agency: Agency | None = None) -> dict[str, str]:
    errors = validate_agency_fields(data.code, data.code_qd20, data.name)
    if "code" not in errors:
        taken = Agency.objects.filter(code=data.code)
        if agency is not None:
            taken = taken.exclude(pk=agency.pk)
        if taken.exists():
            errors["code"] = "Mã định danh này đã được dùng cho cơ quan khác."
    if err := _notation_part_error(data.abbreviation, "tên viết tắt", 20):
        errors["abbreviation"] = err
    if data.kind not in Agency.Kind.values:
        errors["kind"] = "Loại cơ quan không hợp lệ."
    if err := email_error(data.email):
        errors["email"] = err
    if err := parent_error(agency, data.parent):
        errors["parent"] = err
    if err := period_error(data.valid_from, data.valid_to):
        errors["valid_to"] = "Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực."
    if data.successor is not None:
        # Decree-level mergers (2025 reform): an agency that ceases names who takes over its
        # documents; a successor on a living agency would route its mail away by mistake.
        if data.valid_to is None:
            errors["successor"] = "Chỉ ghi cơ quan kế thừa khi cơ quan đã có ngày hết hiệu lực."
        elif agency is not None and _chain_reaches(data.successor, agency.pk, "successor"):
            errors["successor"] = (
                "Cơ quan kế thừa không thể là chính cơ quan này hoặc cơ quan do nó kế thừa."
            )
    return errors


def validate_department(
    agency: Agency, code: str, name: str, department: Department | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if err := _notation_part_error(code, "mã đơn vị", 20):
        errors["code"] = err
    else:
        taken = Department.objects.filter(agency=agency, code=code)
        if department is not None:
            taken = taken.exclude(pk=department.pk)
        if taken.exists():
            errors["code"] = "Mã đơn vị này đã có trong cơ quan."
    if not name.strip():
        errors["name"] = "Chưa nhập tên phòng, ban."
    elif len(name) > 200:
        errors["name"] = "Tên phòng, ban dài tối đa 200 ký tự."
    return errors


def validate_new_user(username: str, full_name: str, password: str, email: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Chưa nhập tên đăng nhập."
    elif len(username) > 150:
        errors["username"] = "Tên đăng nhập dài tối đa 150 ký tự."
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = "Tên đăng nhập chỉ gồm chữ, chữ số và các ký tự @ . + - _."
        else:
            # Case-insensitive, so "NVA" and "nva" cannot become two accounts of one person.
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = "Tên đăng nhập này đã được dùng."
    if not full_name.strip():
        errors["full_name"] = "Chưa nhập họ và tên."
    elif len(full_name) > 100:
        errors["full_name"] = "Họ và tên dài tối đa 100 ký tự."
    if err := email_error(email):
        errors["email"] = err
    try:
        validate_password(password, User(username=username, full_name=full_name, email=email))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    return errors


def validate_membership(
    user: User,
    agency: Agency,
    role: str,
    department: Department | None,
    valid_from: date,
    valid_to: date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = "Vai trò không hợp lệ."
    if department is not None and department.agency_id != agency.pk:
        errors["department"] = "Phòng, ban này không thuộc cơ quan đã chọn."
    if err := period_error(valid_from, valid_to):
        errors["valid_to"] = err
    if agency.valid_to is not None and valid_from > agency.valid_to:
        errors["agency"] = (
            f"Cơ quan đã hết hiệu lực từ ngày {agency.valid_to:%d/%m/%Y}; "
            "hãy gán vai trò ở cơ quan kế thừa."
        )
    if not errors:
        open_ended = Membership.objects.filter(
            user=user, agency=agency, department=department, role=role
        ).filter(valid_to__isnull=True)
        overlapping = Membership.objects.filter(
            user=user, agency=agency, department=department, role=role, valid_to__gte=valid_from
        )
        if open_ended.exists() or overlapping.exists():
            errors["role"] = "Người dùng đang giữ vai trò này tại đơn vị này."
    return errors


def validate_membership_end(actor: User, membership: Membership, valid_to: date) -> dict[str, str]:
    if membership.valid_to is not None and membership.valid_to < valid_to:
        return {"valid_to": f"Vai trò này đã kết thúc từ ngày {membership.valid_to:%d/%m/%Y}."}
    if valid_to < membership.valid_from:
        return {
            "valid_to": f"Ngày kết thúc phải từ ngày bắt đầu ({membership.valid_from:%d/%m/%Y}) trở đi."
        }
    # An administrator who ends their own admin role could lock everyone out of the directory.
    if membership.user_id == actor.pk and membership.role == Role.ADMIN and not actor.is_superuser:
        return {"valid_to": "Không thể tự kết thúc vai trò quản trị của chính mình."}
    return {}
