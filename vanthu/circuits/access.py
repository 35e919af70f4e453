"""Who may see and configure an agency's review circuits (STYLE rule 5).

Any member of the agency may read its circuits (a drafter needs to know who will review);
agency leaders and administrators configure them. Anything else answers 404, so a guessed id
reveals nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from vanthu.circuits.models import Circuit, ReviewTask
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role


def may_configure(user, agency: Agency) -> bool:
    roles = roles_of(user)
    return bool(getattr(user, "is_superuser", False)) or roles.has(
        agency.pk, Role.AGENCY_LEADER, Role.ADMIN
    )


def circuits_visible_to(user):
    roles = roles_of(user)
    if getattr(user, "is_superuser", False):
        return Circuit.objects.all()
    return Circuit.objects.filter(agency_id__in=roles.agencies())


def get_circuit_for_user(user, public_id, *, manage: bool = False) -> Circuit:
    try:
        circuit = (
            circuits_visible_to(user).select_related("agency").filter(public_id=public_id).first()
        )
    except (ValueError, TypeError, DjangoValidationError):
        circuit = None
    if circuit is None or (manage and not may_configure(user, circuit.agency)):
        raise Http404("Không tìm thấy quy trình duyệt hoặc bạn không có quyền.")
    return circuit


def get_task(public_id) -> ReviewTask:
    """The task behind a decision form; whether this user may decide is the action's check."""
    try:
        task = (
            ReviewTask.objects.select_related("review__document", "review__circuit")
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError, DjangoValidationError):
        task = None
    if task is None:
        raise Http404("Không tìm thấy lượt duyệt.")
    return task
