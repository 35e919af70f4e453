"""The incoming handling log page (print-friendly) and its XLSX export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from vanthu.processing.forms import LogQueryForm
from vanthu.processing.register import HANDLING_LOG, reader_agencies, registered_incoming, row_of
from vanthu.processing.views import xlsx_response
from vanthu.reports.exports import Period, display_rows, render_xlsx
from vanthu.reports.forms import current_month
from vanthu.web.views.common import paginate


@login_required
def handling_log(request):
    agencies = list(reader_agencies(request.user).order_by("name"))
    if not agencies:
        raise Http404("Chỉ văn thư và lãnh đạo cơ quan mới được xem sổ này.")
    month = current_month()
    initial = {"agency": agencies[0].code, "date_from": month["from"], "date_to": month["to"]}
    data = request.GET if "date_from" in request.GET else None
    form = LogQueryForm(data, agencies=agencies, initial=initial)
    if data is None:
        # The current month of the first agency, without asking first.
        form = LogQueryForm(initial, agencies=agencies)
    if not form.is_valid():
        return render(request, "processing/handling_log.html", {"form": form}, status=400)
    agency = form.chosen_agency()
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    docs = registered_incoming(request.user, agency, start, end)
    period = Period(HANDLING_LOG, agency, start, end)
    if request.GET.get("format") == "xlsx":
        rows = (row_of(d).as_tuple() for d in docs.iterator(chunk_size=1000))
        return xlsx_response(render_xlsx(period, rows), period.filename("xlsx"))
    page, query = paginate(request, docs)
    shown = display_rows(HANDLING_LOG, [row_of(d).as_tuple() for d in page.object_list])
    # Each cell with its column's label: on a phone the table turns into labelled lines.
    labels = [c.label for c in HANDLING_LOG.columns]
    rows = [[(lbl, text, kind) for lbl, (text, kind) in zip(labels, r, strict=True)] for r in shown]
    context = {
        "form": form,
        "period": period,
        "columns": HANDLING_LOG.columns,
        "rows": rows,
        "page": page,
        "query": query,
    }
    return render(request, "processing/handling_log.html", context)
