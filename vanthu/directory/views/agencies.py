"""Agencies and their departments: list with search, detail, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from vanthu.directory import actions
from vanthu.directory.access import get_agency_for_admin, get_department_for_admin
from vanthu.directory.forms import AgencyForm, DepartmentForm
from vanthu.directory.models import Agency, Membership
from vanthu.directory.search import search_ids
from vanthu.directory.views.common import admin_view, attach_errors, history_rows, paginate, posted
from vanthu.errors import DomainError

STATUS_CHOICES = [("", "Tất cả"), ("active", "Còn hiệu lực"), ("ended", "Hết hiệu lực")]


def _by_status(qs, status: str):
    today = timezone.localdate()
    if status == "active":
        return qs.filter(valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )
    if status == "ended":
        return qs.filter(valid_to__lt=today)
    return qs


@admin_view
def agency_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    qs = _by_status(Agency.objects.order_by("name", "code"), status)
    if q:
        # Paginate the matching ids, then load only the page: a search may match thousands.
        page, query = paginate(request, search_ids(qs, q, "name", "code", "code_qd20"))
        loaded = Agency.objects.select_related("parent").in_bulk(page.object_list)
        page.object_list = [loaded[pk] for pk in page.object_list]
    else:
        page, query = paginate(request, qs.select_related("parent"))
    context = {
        "page": page,
        "query": query,
        "q": q,
        "status": status,
        "status_choices": STATUS_CHOICES,
        "today": timezone.localdate(),
    }
    return render(request, "directory/agency_list.html", context)


@admin_view
def agency_detail(request, code):
    agency = get_agency_for_admin(request.user, code)
    memberships = (
        Membership.objects.current()
        .filter(agency=agency)
        .select_related("user", "department", "position")
        .order_by("role", "user__full_name")
    )
    context = {
        "agency": agency,
        "today": timezone.localdate(),
        "departments": agency.departments.order_by("code"),
        "memberships": memberships,
        "children": agency.children.order_by("name"),
        "predecessors": agency.predecessors.order_by("name"),
        "history": history_rows(agency),
    }
    return render(request, "directory/agency_detail.html", context)


def _agency_form_page(request, form, agency=None):
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                agency = actions.create_agency(request.user, form.agency_input())
            else:
                agency = actions.update_agency(request.user, agency, form.agency_input())
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu cơ quan «{agency.name}».")
            return redirect("directory:agency_detail", code=agency.code)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "agency": agency}
    return render(request, "directory/agency_form.html", context, status=status)


@admin_view
def agency_create(request):
    return _agency_form_page(request, AgencyForm(posted(request)))


@admin_view
def agency_edit(request, code):
    agency = get_agency_for_admin(request.user, code)
    return _agency_form_page(request, AgencyForm.for_agency(agency, posted(request)), agency)


def _department_form_page(request, form, agency, department=None):
    if request.method == "POST" and form.is_valid():
        code, name = form.cleaned_data["code"], form.cleaned_data["name"]
        try:
            if department is None:
                department = actions.create_department(request.user, agency, code, name)
            else:
                department = actions.update_department(request.user, department, code, name)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu phòng, ban «{department.name}».")
            return redirect("directory:agency_detail", code=agency.code)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "agency": agency, "department": department}
    return render(request, "directory/department_form.html", context, status=status)


@admin_view
def department_create(request, code):
    agency = get_agency_for_admin(request.user, code)
    return _department_form_page(request, DepartmentForm(posted(request)), agency)


@admin_view
def department_edit(request, code, department_code):
    department = get_department_for_admin(request.user, code, department_code)
    initial = {"code": department.code, "name": department.name}
    form = DepartmentForm(posted(request), initial=initial)
    return _department_form_page(request, form, department.agency, department)
