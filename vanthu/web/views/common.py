"""Helpers shared by the views: staff of an agency, the agency a user acts for, and the
translation of domain errors into Vietnamese messages attached to forms."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404

from vanthu.directory.access import primary_agency, roles_of
from vanthu.directory.models import Agency, Membership, User
from vanthu.errors import DomainError, ValidationFailed

PAGE_SIZE = 25


def acting_agency(request, *roles: str) -> Agency:
    """The agency the user acts for: ?agency=<code> when they serve several, else the first."""
    user_roles = roles_of(request.user)
    wanted = request.GET.get("agency") or request.POST.get("agency")
    allowed = user_roles.agencies_with(*roles) if roles else user_roles.agencies()
    if wanted:
        agency = Agency.objects.filter(code=wanted, pk__in=allowed).first()
    else:
        agency = Agency.objects.filter(pk__in=allowed).order_by("pk").first()
    if agency is None:
        raise Http404("Bạn không có vai trò phù hợp ở cơ quan nào.")
    return agency


def staff_of(agency: Agency):
    return (
        User.objects.filter(memberships__in=Membership.objects.current().filter(agency=agency))
        .distinct()
        .order_by("full_name")
    )


def attach_errors(form, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)


def paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


__all__ = ["acting_agency", "attach_errors", "paginate", "primary_agency", "staff_of"]
