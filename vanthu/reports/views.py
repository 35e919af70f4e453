"""Registers: the page to choose one, the paginated preview and the PDF/XLSX exports.

Only clerks and agency leaders read registers; anybody else gets 404, like any object they
may not see. Bad input is answered in Vietnamese: on the page for the preview, as a
plain-text 400 for an export, which is usually fetched by a link or a script.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from vanthu.reports.catalogue import REGISTERS
from vanthu.reports.exports import XLSX_TYPE, display_rows, render_pdf, render_xlsx
from vanthu.reports.forms import RegisterQueryForm, current_month
from vanthu.reports.registers import reader_agencies

PAGE_SIZE = 50
EXPORTS = {"pdf": ("application/pdf", render_pdf), "xlsx": (XLSX_TYPE, render_xlsx)}
# WeasyPrint lays out a register at about 0.1-0.3 s per A4 page (20-40 rows a second on
# these machines): past this a request would hold a web worker for most of a minute, and a
# spreadsheet serves so long a period better anyway.
PDF_MAX_ROWS = 1000


def _agencies_or_404(user) -> list:
    agencies = list(reader_agencies(user).order_by("name"))
    if not agencies:
        raise Http404("Chỉ văn thư và lãnh đạo cơ quan mới được xem sổ văn bản.")
    return agencies


def _bad_request(messages: list[str]) -> HttpResponseBadRequest:
    return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")


def _choose(request, form: RegisterQueryForm, status: int = 200):
    context = {"form": form, "registers": REGISTERS.values()}
    return render(request, "reports/index.html", context, status=status)


@login_required
def index(request):
    form = RegisterQueryForm(agencies=_agencies_or_404(request.user), initial=current_month())
    return _choose(request, form)


@login_required
def register(request):
    agencies = _agencies_or_404(request.user)
    if not request.GET:  # nothing chosen yet (a bookmark, a bare link): offer the choice
        return _choose(request, RegisterQueryForm(agencies=agencies, initial=current_month()))
    form = RegisterQueryForm(request.GET, agencies=agencies)
    export = request.GET.get("format", "")
    if export and export not in EXPORTS:
        return _bad_request(["Định dạng xuất không được hỗ trợ; hãy chọn pdf hoặc xlsx."])
    if not form.is_valid():
        return _bad_request(form.error_messages()) if export else _choose(request, form, 400)
    period = form.period()
    rows = period.register.query(request.user, period.agency, period.date_from, period.date_to)
    if export:
        return _export(period, rows, export)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "period": period,
        "page": page,
        "rows": display_rows(period.register, page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "reports/register.html", context)


def _export(period, rows, export: str) -> HttpResponse:
    if export == "pdf" and rows.count() > PDF_MAX_ROWS:
        return _bad_request(
            [
                f"Kỳ này có hơn {PDF_MAX_ROWS} dòng, quá nhiều để in PDF; "
                "hãy chọn khoảng thời gian ngắn hơn hoặc xuất Excel."
            ]
        )
    content_type, render_file = EXPORTS[export]
    response = HttpResponse(render_file(period, rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{period.filename(export)}"'
    return response
