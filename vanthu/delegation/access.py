"""Who stands in for whom, and who may see or manage the register.

`acting_for` and `principals_of` are the contract other apps code against (documents for
signing, processing for handling). A delegation counts only while it is not revoked, the
day falls within its dates (both inclusive) and both people still hold a role in the
agency it was registered for: a substitute who moved to another agency stops being one the
day their membership ends, without anyone having to remember to revoke.

Delegation is never transitive: only a direct registration from the principal counts, so
"re-delegating" is only possible by registering in the principal's name — which the
actions refuse to a TUQ. delegate.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from vanthu.delegation.models import Delegation
from vanthu.directory.access import roles_of
from vanthu.directory.models import Membership, Role, User
from vanthu.documents.numbering import local_today


def _member_of_agency(user_field: str, day: date) -> Exists:
    return Exists(
        Membership.objects.current(day).filter(
            user_id=OuterRef(user_field), agency_id=OuterRef("agency_id")
        )
    )


def delegations_in_force(day: date | None = None) -> QuerySet[Delegation]:
    """Delegations usable on `day` (Vietnam's today by default): the one rule of validity."""
    day = day or local_today()
    return (
        Delegation.objects.in_force(day)
        .filter(_member_of_agency("principal_id", day))
        .filter(_member_of_agency("delegate_id", day))
    )


def acting_for(user, principal, *, power: str, on: date | None = None) -> Delegation | None:
    """The delegation through which `user` may act for `principal` on `on`, or None."""
    if not getattr(user, "is_authenticated", False) or principal is None:
        return None
    principal_id = getattr(principal, "pk", principal)
    return (
        delegations_in_force(on)
        .filter(delegate_id=user.pk, principal_id=principal_id, power=power)
        .select_related("principal", "delegate", "agency")
        .order_by("-valid_from", "-id")
        .first()
    )


def principals_of(user, *, power: str, on: date | None = None) -> list[User]:
    """The people `user` currently stands in for with `power`, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = delegations_in_force(on).filter(delegate_id=user.pk, power=power)
    return list(User.objects.filter(pk__in=held.values("principal_id")).order_by("full_name"))


def may_manage(user, agency_id: int, principal_id: int | None = None) -> bool:
    """Registering or revoking: the principal themself, a leader of the agency, an admin."""
    roles = roles_of(user)
    if roles.is_admin or roles.has(agency_id, Role.AGENCY_LEADER, Role.ADMIN):
        return True
    return (
        principal_id is not None
        and principal_id == user.pk
        and bool(roles.by_agency.get(agency_id))
    )


def delegations_visible_to(user, agency) -> QuerySet[Delegation]:
    """The agency's register, for anyone who works there: staff need to know who signs for
    an absent leader. Outsiders see nothing."""
    roles = roles_of(user)
    if not (roles.is_admin or roles.by_agency.get(agency.pk)):
        return Delegation.objects.none()
    return Delegation.objects.filter(agency=agency)


def get_delegation_for_user(user, public_id) -> Delegation:
    roles = roles_of(user)
    agencies = roles.agencies()
    qs = Delegation.objects.select_related(
        "agency", "principal", "delegate", "created_by", "revoked_by"
    )
    if not roles.is_admin:
        qs = qs.filter(agency_id__in=agencies)
    try:
        return qs.get(public_id=public_id)
    except (Delegation.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy ủy quyền hoặc bạn không có quyền xem.") from None
