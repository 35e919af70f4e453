"""The delegation register of an agency, registration and revocation pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse

from vanthu.delegation import actions
from vanthu.delegation.access import delegations_visible_to, get_delegation_for_user, may_manage
from vanthu.delegation.forms import DelegationForm, RevokeForm
from vanthu.documents.numbering import local_today
from vanthu.errors import DomainError
from vanthu.web.views.common import acting_agency, attach_errors, paginate, staff_of

# Expired and revoked entries are kept for the record and paged; current ones are few.
PAST_COLUMNS = ("agency", "principal", "delegate", "created_by", "revoked_by")


@login_required
def register(request):
    agency = acting_agency(request)
    today = local_today()
    qs = delegations_visible_to(request.user, agency).select_related(*PAST_COLUMNS)
    current = qs.filter(revoked_at__isnull=True, valid_to__gte=today).order_by("valid_from", "id")
    past = qs.exclude(revoked_at__isnull=True, valid_to__gte=today).order_by("-valid_to", "-id")
    page, query = paginate(request, past)
    current = list(current)
    context = {
        "agency": agency,
        "today": today,
        "active": [d for d in current if d.valid_from <= today],
        "upcoming": [d for d in current if d.valid_from > today],
        "page": page,
        "query": query,
        # Row by row: a specialist may revoke what they delegated, a leader anything.
        "revocable": {d.pk for d in current if may_manage(request.user, agency.pk, d.principal_id)},
    }
    return render(request, "delegation/register.html", context)


@login_required
def create(request):
    agency = acting_agency(request)
    form = DelegationForm(
        request.POST if request.method == "POST" else None,
        staff=staff_of(agency),
        initial={"principal": request.user.pk, "valid_from": local_today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            delegation = actions.create_delegation(request.user, agency, form.delegation_input())
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã đăng ký: {actions.describe(delegation)}.")
            return redirect(f"{_register_url()}?agency={agency.code}")
    status = 400 if request.method == "POST" else 200
    return render(request, "delegation/form.html", {"form": form, "agency": agency}, status=status)


@login_required
def revoke(request, public_id):
    delegation = get_delegation_for_user(request.user, public_id)
    if not may_manage(request.user, delegation.agency_id, delegation.principal_id):
        raise Forbidden("Chỉ người ủy quyền, lãnh đạo cơ quan hoặc quản trị mới được thu hồi.")
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_delegation(request.user, delegation, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã thu hồi ủy quyền: {actions.describe(delegation)}.")
            return redirect(f"{_register_url()}?agency={delegation.agency.code}")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "delegation": delegation,
        "description": actions.describe(delegation),
        "state": delegation.state_on(local_today()),
    }
    return render(request, "delegation/revoke.html", context, status=status)


def _register_url() -> str:
    return reverse("delegation:register")
