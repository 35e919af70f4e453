"""Administrators' pages for the yearly holiday decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vanthu.directory.views.common import admin_view, attach_errors
from vanthu.errors import ValidationFailed
from vanthu.holidays import actions
from vanthu.holidays.calendar import work_calendar
from vanthu.holidays.forms import DecisionForm
from vanthu.holidays.models import YearDecisionRecord
from vanthu.workdays.calendar import FIRST_YEAR, LAST_YEAR


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("Năm ngoài phạm vi lịch.")
    return year


@admin_view
def index(request):
    entered = {r.year: r for r in YearDecisionRecord.objects.select_related("updated_by")}
    calendar = work_calendar()
    from vanthu.documents.numbering import local_today

    this_year = local_today().year
    years = []
    for year in range(this_year - 1, this_year + 2):
        years.append(
            {
                "year": year,
                "record": entered.get(year),
                "shipped": calendar.has_decision(year) and year not in entered,
                "holidays": calendar.holidays(year),
                "working": calendar.extra_working_days(year),
            }
        )
    return render(request, "holidays/index.html", {"years": years})


@admin_view
def edit(request, year: int):
    year = _year_or_404(year)
    record = YearDecisionRecord.objects.prefetch_related("days").filter(year=year).first()
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial=DecisionForm.initial_for(record),
    )
    if request.method == "POST" and form.is_valid():
        data = actions.DecisionInput(
            year=year,
            days_off=form.cleaned_data["days_off"],
            working_days=form.cleaned_data["working_days"],
            national_day_adjacent=form.adjacent(year),
            note=form.cleaned_data["note"],
            sources=form.cleaned_data["sources"],
        )
        try:
            actions.save_decision(request.user, data)
        except ValidationFailed as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu quyết định nghỉ lễ, Tết năm {year}.")
            return redirect("holidays:index")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "holidays/edit.html",
        {"form": form, "year": year, "record": record},
        status=status,
    )


@require_POST
@admin_view
def delete(request, year: int):
    try:
        actions.delete_decision(request.user, _year_or_404(year))
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, f"Đã bỏ quyết định đã nhập của năm {year}.")
    return redirect("holidays:index")
