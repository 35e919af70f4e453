"""Who holds which role where. Every permission check on agencies goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from vanthu.directory.models import Agency, Department, Membership, Role, User


@dataclass
class Roles:
    """The current roles of one user, indexed for the checks views and actions make."""

    by_agency: dict[int, set[str]] = field(default_factory=dict)
    departments: dict[int, set[int]] = field(default_factory=dict)  # agency -> dept ids
    led_departments: set[int] = field(default_factory=set)
    is_admin: bool = False

    def has(self, agency_id: int | None, *roles: str) -> bool:
        return agency_id is not None and bool(self.by_agency.get(agency_id, set()) & set(roles))

    def agencies(self) -> set[int]:
        return set(self.by_agency)

    def agencies_with(self, *roles: str) -> set[int]:
        wanted = set(roles)
        return {a for a, held in self.by_agency.items() if held & wanted}


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_vanthu_roles", None)
    if cached is not None:
        return cached
    roles = Roles(is_admin=bool(user.is_superuser))
    for m in (
        Membership.objects.current().filter(user=user).only("agency_id", "department_id", "role")
    ):
        roles.by_agency.setdefault(m.agency_id, set()).add(m.role)
        if m.department_id:
            roles.departments.setdefault(m.agency_id, set()).add(m.department_id)
            if m.role == Role.DEPARTMENT_LEADER:
                roles.led_departments.add(m.department_id)
        if m.role == Role.ADMIN:
            roles.is_admin = True
    user._vanthu_roles = roles
    return roles


def forget_roles(user) -> None:
    if hasattr(user, "_vanthu_roles"):
        del user._vanthu_roles


def primary_agency(user) -> Agency | None:
    """The agency a user works for by default (the first where they hold a role)."""
    ids = sorted(roles_of(user).agencies())
    return Agency.objects.filter(pk=ids[0]).first() if ids else None


def leaders_of(agency: Agency):
    return (
        User.objects.filter(
            memberships__in=Membership.objects.current().filter(
                agency=agency, role=Role.AGENCY_LEADER
            )
        )
        .distinct()
        .order_by("full_name")
    )


# Directory administration is open to administrators only. Anyone else gets the same 404 as
# for a code that does not exist, so the pages do not reveal that they are there.


def require_admin_or_404(user) -> None:
    if not roles_of(user).is_admin:
        raise Http404


def get_agency_for_admin(user, code: str) -> Agency:
    require_admin_or_404(user)
    agency = Agency.objects.select_related("parent", "successor").filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def get_department_for_admin(user, agency_code: str, code: str) -> Department:
    agency = get_agency_for_admin(user, agency_code)
    department = Department.objects.filter(agency=agency, code=code).first()
    if department is None:
        raise Http404
    return department


def get_user_for_admin(user, public_id) -> User:
    require_admin_or_404(user)
    account = User.objects.filter(public_id=public_id).first()
    if account is None:
        raise Http404
    return account
