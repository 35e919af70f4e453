"""Incoming, outgoing, inbox and approval lists with filters, search and pagination."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vanthu.delegation.queues import substitute_queue
from vanthu.directory.access import roles_of
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions import outgoing_queue_for
from vanthu.documents.models import Direction, DocumentType, Status, Urgency
from vanthu.documents.search import apply_search
from vanthu.processing.markers import mark_documents, mark_page
from vanthu.web.queues import inbox_for
from vanthu.web.views.common import paginate

INCOMING_STATUSES = [
    Status.ARRIVED,
    Status.REGISTERED,
    Status.PRESENTED,
    Status.FORWARDED,
    Status.REFUSED,
]
OUTGOING_STATUSES = [
    Status.DRAFT,
    Status.CONTENT_REVIEW,
    Status.FORM_CHECK,
    Status.AWAITING_SIGNATURE,
    Status.APPROVED,
    Status.ISSUED,
]


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_documents(qs, params, *, date_field: str):
    """Apply the list filters shared by the pages and the API."""
    errors = []
    if q := (params.get("q") or "").strip():
        qs = apply_search(qs, q)
    if doc_type := params.get("type"):
        qs = qs.filter(doc_type__code=doc_type)
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if urgency := params.get("urgency"):
        qs = qs.filter(urgency=urgency)
    if issuer := (params.get("issuer") or "").strip():
        qs = qs.filter(issuer_name__icontains=issuer)
    start, end = _parse_date(params.get("from")), _parse_date(params.get("to"))
    if params.get("from") and start is None or params.get("to") and end is None:
        errors.append("Ngày lọc không hợp lệ (định dạng ngày/tháng/năm).")
    if start and end and start > end:
        errors.append("«Từ ngày» phải trước «Đến ngày».")
    if start:
        qs = qs.filter(**{f"{date_field}__gte": start})
    if end:
        qs = qs.filter(**{f"{date_field}__lte": end})
    return qs, errors


def _list(
    request,
    *,
    direction: str,
    statuses,
    date_field: str,
    order: list[str],
    template: str,
    title: str,
):
    # Every visible document belongs to an agency where the user holds a role; saying so
    # lets the database walk the per-agency index instead of scanning the whole table.
    base = documents_visible_to(request.user).filter(
        direction=direction, agency_id__in=roles_of(request.user).agencies()
    )
    qs, errors = filter_documents(base, request.GET, date_field=date_field)
    qs = qs.select_related("doc_type", "agency").order_by(*order)
    page, query = paginate(request, qs)
    mark_page(page)
    context = {
        "page": page,
        "query": query,
        "errors": errors,
        "title": title,
        "direction": direction,
        "statuses": [(s.value, s.label) for s in statuses],
        "types": DocumentType.objects.all(),
        "urgencies": Urgency.choices,
        "params": request.GET,
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "web/_document_rows.html", context)
    return render(request, template, context)


@login_required
def incoming_list(request):
    return _list(
        request,
        direction=Direction.INCOMING,
        statuses=INCOMING_STATUSES,
        date_field="arrived_at__date",
        order=["-arrived_at", "-id"],
        template="web/document_list.html",
        title="Văn bản đến",
    )


@login_required
def outgoing_list(request):
    return _list(
        request,
        direction=Direction.OUTGOING,
        statuses=OUTGOING_STATUSES,
        date_field="issued_on",
        order=["-issued_at", "-created_at", "-id"],
        template="web/document_list.html",
        title="Văn bản đi",
    )


@login_required
def inbox(request):
    qs = inbox_for(request.user).select_related("doc_type", "agency").order_by("-arrived_at", "-id")
    page, query = paginate(request, qs)
    mark_page(page)
    return render(request, "web/inbox.html", {"page": page, "query": query})


@login_required
def approvals(request):
    user = request.user
    queues = {
        k: v.select_related("doc_type", "agency").order_by("created_at")
        for k, v in outgoing_queue_for(user).items()
        # Shown below, one group per absent leader, marked "thay <name>".
        if k != "substitute_signature"
    }
    presented = mark_documents(
        documents_visible_to(user)
        .filter(direction=Direction.INCOMING, status=Status.PRESENTED, presented_to=user)
        .select_related("doc_type")
    )
    substitutes = substitute_queue(user)
    for q in substitutes:
        # Evaluated here (one query each) so each row carries its deadline marker.
        q.presented = mark_documents(q.presented)
    return render(
        request,
        "web/approvals.html",
        {
            "queues": queues,
            "presented": presented,
            "substitutes": substitutes,
            "is_clerk": bool(roles_of(user).agencies_with("clerk")),
        },
    )
