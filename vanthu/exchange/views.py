"""The exchange page of an agency (/lien-thong/): what waits to go to the hub or failed
(with the reason and "gửi lại"), and what arrived from it lately."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from vanthu.directory.access import roles_of
from vanthu.errors import DomainError
from vanthu.exchange import actions, conf
from vanthu.exchange.access import exchange_agencies_for, get_outbound_for_user
from vanthu.exchange.models import InboundPackage, OutboundPackage, OutboundState
from vanthu.web.views.common import paginate

RECENT_INBOUND = 50


def _agency(request, code: str | None):
    agencies = exchange_agencies_for(request.user)
    agency = agencies.filter(code=code).first() if code else agencies.first()
    if agency is None:
        raise Http404("Không tìm thấy cơ quan hoặc bạn không phụ trách liên thông của cơ quan này.")
    return agency, agencies


@login_required
@require_GET
def index(request):
    agency, agencies = _agency(request, request.GET.get("co-quan"))
    outbound = OutboundPackage.objects.filter(agency=agency)
    waiting = outbound.exclude(state=OutboundState.SENT).select_related(
        "delivery__document", "document"
    )
    page, query = paginate(request, waiting.order_by("-created_at", "-pk"))
    counts = dict(outbound.values_list("state").annotate(n=Count("pk")))
    inbound = InboundPackage.objects.filter(Q(agency=agency))
    if roles_of(request.user).is_admin:
        # Packages that named no agency of ours (unreadable, misrouted) concern the operator.
        inbound = InboundPackage.objects.filter(Q(agency=agency) | Q(agency__isnull=True))
    recent = inbound.select_related("delivery__document").prefetch_related(
        "arrivals__incoming_document"
    )
    context = {
        "agency": agency,
        "agencies": list(agencies) if agencies.count() > 1 else [],
        "page": page,
        "query": query,
        "counts": [(state, label, counts.get(state, 0)) for state, label in OutboundState.choices],
        "inbound": recent.order_by("-received_at", "-pk")[:RECENT_INBOUND],
        "hub_url": conf.hub_url(),
        "hub_on": conf.hub_configured(),
        "stuck_before": timezone.now() - conf.STUCK_AFTER,
    }
    return render(request, "exchange/index.html", context)


@login_required
@require_POST
def retry(request, public_id):
    package = get_outbound_for_user(request.user, public_id)
    try:
        actions.retry_package(request.user, package)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã đưa gói tin gửi {package.to_organ} vào hàng đợi gửi lại.")
    return redirect(f"{reverse('exchange:index')}?co-quan={package.agency.code}")
