"""Who may see and change which work file (STYLE rule 5): the owner, the leaders of the
file's department and the leaders of its agency see it; everyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.workfiles.models import WorkFile


def workfiles_visible_to(user) -> QuerySet[WorkFile]:
    if not getattr(user, "is_authenticated", False):
        return WorkFile.objects.none()
    roles = roles_of(user)
    # An owner who has left the agency no longer reads its files; the file stays with the
    # department.
    visible = Q(owner=user, agency_id__in=roles.agencies())
    if roles.led_departments:
        visible |= Q(department_id__in=roles.led_departments)
    if leader_agencies := roles.agencies_with(Role.AGENCY_LEADER):
        visible |= Q(agency_id__in=leader_agencies)
    return WorkFile.objects.filter(visible)


def get_workfile_for_user(user, public_id) -> WorkFile:
    try:
        return (
            workfiles_visible_to(user)
            .select_related("agency", "department", "owner")
            .get(public_id=public_id)
        )
    except (WorkFile.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise Http404("Không tìm thấy hồ sơ hoặc bạn không có quyền xem.") from None


def leads_department(user, work_file: WorkFile) -> bool:
    return work_file.department_id in roles_of(user).led_departments


def may_edit(user, work_file: WorkFile) -> bool:
    """The owner files the documents; the department leader may do it for them."""
    is_owner = work_file.owner_id == user.pk and work_file.agency_id in roles_of(user).agencies()
    return is_owner or leads_department(user, work_file)


def may_comment(user, work_file: WorkFile) -> bool:
    """Anyone who sees the file may give an opinion on it (agency leaders included)."""
    return workfiles_visible_to(user).filter(pk=work_file.pk).exists()
