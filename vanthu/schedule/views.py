"""Pages of the weekly calendar: the week, the entry form, publishing and the PDF.

Editors (clerk, agency leaders) see the working copy with its unpublished changes; everyone
else in the agency sees the last published copy, or a notice that nothing is published.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency
from vanthu.documents.numbering import local_today
from vanthu.errors import DomainError, ValidationFailed
from vanthu.schedule import actions
from vanthu.schedule.access import (
    agency_for_user,
    can_edit,
    find_week,
    get_entry_for_editor,
    week_monday_or_404,
)
from vanthu.schedule.forms import EntryForm
from vanthu.schedule.models import WeekStatus
from vanthu.schedule.pdf import render_week_pdf
from vanthu.schedule.rows import build_days, entry_row


def _agency_query(user, agency) -> str:
    # Only people serving several agencies need the agency spelled out in links.
    return f"?agency={agency.code}" if len(roles_of(user).agencies()) > 1 else ""


def _week_url(user, agency, year: int, week: int) -> str:
    url = reverse("schedule:week", kwargs={"year": year, "week": week})
    return url + _agency_query(user, agency)


def week_view_data(user, agency, year: int, week: int) -> dict:
    """What this user may see of the week: the working copy or the published rows."""
    monday = week_monday_or_404(year, week)
    found = find_week(agency, year, week)
    editor = can_edit(user, agency)
    published = found is not None and found.status == WeekStatus.PUBLISHED
    if editor:
        entries = (
            found.entries.select_related("chair_user", "preparing_department") if found else []
        )
        rows = [entry_row(e) for e in entries]
    else:
        rows = list(found.published_rows) if published else []
    return {
        "agency": agency,
        "year": year,
        "week": week,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "record": found,
        "editor": editor,
        "published": published,
        "draft": editor and (found is None or found.has_changes or not published),
        "rows": rows,
    }


@login_required
def week_page(request, year: int | None = None, week: int | None = None):
    agency = agency_for_user(request.user, request.GET.get("agency"))
    today = local_today()
    if year is None or week is None:
        year, week = today.isocalendar()[:2]
    data = week_view_data(request.user, agency, year, week)
    previous, following = (data["monday"] + timedelta(days=d) for d in (-7, 7))
    query = _agency_query(request.user, agency)
    data.update(
        days=build_days(data["monday"], data["rows"], today),
        query=query,
        previous=previous.isocalendar()[:2],
        following=following.isocalendar()[:2],
        is_current=(year, week) == tuple(today.isocalendar()[:2]),
        other_agencies=Agency.objects.filter(
            pk__in=roles_of(request.user).agencies() - {agency.pk}
        ).order_by("name"),
    )
    return render(request, "schedule/week.html", data)


def _editable_agency(request):
    agency = agency_for_user(request.user, request.GET.get("agency") or request.POST.get("agency"))
    if not can_edit(request.user, agency):
        raise Http404("Chỉ văn thư và lãnh đạo cơ quan được sửa lịch công tác.")
    return agency


def _attach(form, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)


@login_required
def entry_new(request, year: int, week: int):
    agency = _editable_agency(request)
    monday = week_monday_or_404(year, week)
    form = EntryForm(request.POST or None, agency=agency, initial={"day": monday})
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_entry(request.user, agency, year, week, form.entry_data())
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "Đã thêm vào lịch công tác (chưa công bố).")
            return redirect(_week_url(request.user, agency, year, week))
    context = {"form": form, "agency": agency, "year": year, "week": week, "monday": monday}
    context["back"] = _week_url(request.user, agency, year, week)
    return render(request, "schedule/entry_form.html", context, status=400 if form.errors else 200)


@login_required
def entry_edit(request, public_id):
    entry = get_entry_for_editor(request.user, public_id)
    week = entry.week
    agency = week.agency
    form = EntryForm(request.POST or None, agency=agency, initial=EntryForm.initial_from(entry))
    back = _week_url(request.user, agency, week.iso_year, week.iso_week)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_entry(request.user, entry, form.entry_data())
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "Đã sửa mục lịch công tác (chưa công bố).")
            return redirect(back)
    context = {
        "form": form,
        "agency": agency,
        "year": week.iso_year,
        "week": week.iso_week,
        "monday": week.monday,
        "entry": entry,
        "back": back,
    }
    return render(request, "schedule/entry_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def entry_delete(request, public_id):
    entry = get_entry_for_editor(request.user, public_id)
    week = entry.week
    try:
        actions.delete_entry(request.user, entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã xóa mục lịch công tác (chưa công bố).")
    return redirect(_week_url(request.user, week.agency, week.iso_year, week.iso_week))


@login_required
@require_POST
def publish(request, year: int, week: int):
    agency = _editable_agency(request)
    week_monday_or_404(year, week)
    try:
        published = actions.publish_week(request.user, agency, year, week)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        suffix = f" (điều chỉnh lần {published.revision})" if published.revision else ""
        messages.success(request, f"Đã công bố lịch công tác tuần {week}{suffix}.")
    return redirect(_week_url(request.user, agency, year, week))


@login_required
def week_pdf(request, year: int, week: int):
    agency = agency_for_user(request.user, request.GET.get("agency"))
    data = week_view_data(request.user, agency, year, week)
    if not data["editor"] and not data["published"]:
        raise Http404("Lịch công tác tuần này chưa được công bố.")
    content = render_week_pdf(data)
    response = HttpResponse(content, content_type="application/pdf")
    # ASCII on purpose, like the registers: some closed-network gateways mangle UTF-8 names.
    name = f"lich-cong-tac_{agency.code}_{year}-W{week:02d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
