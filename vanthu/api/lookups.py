"""Turning the public identifiers of a request (agency codes, department codes, user UUIDs)
into objects for the actions. Unknown identifiers are reported per field, in Vietnamese,
before any action runs; permissions stay with the actions."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Department, User
from vanthu.documents.numbering import local_today
from vanthu.errors import PermissionDenied, ValidationFailed


def active_agencies():
    today = local_today()
    return Agency.objects.filter(valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )


def acting_agency(user, code: str, *roles: str) -> Agency:
    """The agency named by `code`, or, when none is given, the only one where the user holds
    one of `roles`. Whether the user may act there is the action's decision."""
    if code:
        agency = Agency.objects.filter(code=code.strip()).first()
        if agency is None:
            raise ValidationFailed({"agency": f"Không có cơ quan mã định danh «{code}»."})
        return agency
    candidates = list(Agency.objects.filter(pk__in=roles_of(user).agencies_with(*roles))[:2])
    if not candidates:
        raise PermissionDenied("Bạn không có vai trò phù hợp ở cơ quan nào.")
    if len(candidates) > 1:
        raise ValidationFailed({"agency": "Bạn công tác ở nhiều cơ quan; hãy ghi mã cơ quan."})
    return candidates[0]


def users_by_id(ids: list[UUID], field: str, errors: dict[str, str]) -> list[User]:
    found = {u.public_id: u for u in User.objects.filter(public_id__in=ids, is_active=True)}
    if missing := [str(i) for i in ids if i not in found]:
        errors[field] = "Không tìm thấy người dùng: " + ", ".join(missing) + "."
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def agencies_by_code(codes: list[str], field: str, errors: dict[str, str]) -> list[Agency]:
    codes = [c.strip() for c in codes if c.strip()]
    found = {a.code: a for a in active_agencies().filter(code__in=codes)}
    if missing := [c for c in codes if c not in found]:
        errors[field] = "Không có cơ quan đang hoạt động mã: " + ", ".join(missing) + "."
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def departments_by_code(
    agency: Agency, codes: list[str], field: str, errors: dict[str, str]
) -> list[Department]:
    codes = [c.strip() for c in codes if c.strip()]
    found = {d.code: d for d in Department.objects.filter(agency=agency, code__in=codes)}
    if missing := [c for c in codes if c not in found]:
        errors[field] = f"{agency.name} không có phòng, ban mã: " + ", ".join(missing) + "."
    return [found[c] for c in dict.fromkeys(codes) if c in found]
