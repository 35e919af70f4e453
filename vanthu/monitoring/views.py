"""Monitoring pages: the dashboard (agencies × indicators), the per-official table and each
indicator's items, each with an XLSX export (?format=xlsx).

Read-only: nothing here changes data, so there is no action and no audit event. Who sees
which agencies is decided by scope.scope_for (404 for anybody else). A bad period or format
is answered in Vietnamese: on the page, or as plain-text 400 for an export.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from vanthu.monitoring import exports
from vanthu.monitoring.period import PeriodForm
from vanthu.monitoring.scope import scope_for
from vanthu.monitoring.tables import (
    INDICATORS,
    build_dashboard,
    build_officials,
    display,
    item_list,
)

PAGE_SIZE = 50


def _bad_request(messages: list[str]) -> HttpResponseBadRequest:
    return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")


def _period_or_error(request):
    """(form, period, error response or None)."""
    form = PeriodForm(request.GET)
    export = request.GET.get("format", "")
    if export not in ("", "xlsx"):
        return form, None, _bad_request(["Định dạng xuất không được hỗ trợ; hãy chọn xlsx."])
    if not form.is_valid():
        if export:
            return form, None, _bad_request(form.error_messages())
        return form, None, render(request, "monitoring/invalid.html", {"form": form}, status=400)
    return form, form.period(), None


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    # ASCII names: some mail gateways of the closed networks mangle UTF-8 file names.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def dashboard(request):
    scope = scope_for(request.user)
    form, period, error = _period_or_error(request)
    if error:
        return error
    board = build_dashboard(scope, period, timezone.now())
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.dashboard_xlsx(board), f"giam-sat_{period.date_from:%Y%m%d}.xlsx")
    context = {"form": form, "board": board, "period": period, "indicators": INDICATORS}
    return render(request, "monitoring/dashboard.html", context)


@login_required
def officials(request):
    scope = scope_for(request.user)
    code = request.GET.get("agency", "")
    # Without a choice: the first agency of the scope (the leader's own, or the province).
    agency = scope.get(code) if code or not scope.agencies else scope.agencies[0]
    form, period, error = _period_or_error(request)
    if error:
        return error
    rows, has_assignments = build_officials(agency, period, timezone.now())
    if request.GET.get("format") == "xlsx":
        content = exports.officials_xlsx(agency, period, rows, has_assignments)
        return _xlsx(content, f"giam-sat-can-bo_{agency.code}_{period.date_from:%Y%m%d}.xlsx")
    context = {
        "form": form,
        "agency": agency,
        "period": period,
        "rows": rows,
        "has_assignments": has_assignments,
    }
    return render(request, "monitoring/officials.html", context)


@login_required
def indicator(request, slug: str):
    scope = scope_for(request.user)
    chosen = INDICATORS.get(slug)
    if chosen is None:
        raise Http404("Không có chỉ tiêu giám sát này.")
    code = request.GET.get("agency", "")
    agency = scope.get(code) if code else None  # no agency: the whole scope
    form, period, error = _period_or_error(request)
    if error:
        return error
    listing = item_list(slug, period, [agency.pk] if agency else scope.ids, timezone.now())
    where = agency.name if agency else "Toàn bộ phạm vi giám sát"
    if request.GET.get("format") == "xlsx":
        content = exports.items_xlsx(chosen.title, f"{where} — {period.label}", listing)
        name = f"giam-sat_{slug}_{agency.code if agency else 'tat-ca'}_{period.date_from:%Y%m%d}"
        return _xlsx(content, f"{name}.xlsx")
    page = None
    rows = []
    if listing.items is not None:
        page = Paginator(listing.items, PAGE_SIZE).get_page(request.GET.get("page"))
        kinds = [kind for _, kind in listing.headers]
        rows = [
            (
                [
                    (display(v, k), label)
                    for v, k, (label, _) in zip(
                        listing.row(item), kinds, listing.headers, strict=True
                    )
                ],
                listing.link(item),
            )
            for item in page.object_list
        ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "form": form,
        "indicator": chosen,
        "agency": agency,
        "where": where,
        "period": period,
        "listing": listing,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "monitoring/items.html", context)
