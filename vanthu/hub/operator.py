"""The operator page of the hub (trang vận hành): traffic per agency pair, packages not yet
acknowledged with their age, failures, refused requests, systems and agencies. Read-only;
operators log in with Django accounts made by `python -m vanthu.hub add-operator`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .clock import format_age
from .models import (
    WAITING,
    Agency,
    Delivery,
    FederationState,
    Package,
    RejectedRequest,
    System,
)

LIMIT = 200
# Periods the traffic table offers, in days (?ngay=); the first is the default. The table
# groups every delivery of the period, so it is bounded by time rather than by the hub's
# whole history.
TRAFFIC_DAYS = (30, 1, 7, 365)


def _is_operator(user: Any) -> bool:
    return bool(user.is_active and user.is_staff)


def traffic_pairs(deliveries: Any) -> list[dict[str, Any]]:
    """(from, to) agency pairs with their count and last time; a delivery for two agencies
    of one system counts for both pairs."""
    grouped = deliveries.values("package__from_code", "to_codes").annotate(
        count=Count("id"), last=Max("created_at")
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"count": 0, "last": None})
    for row in grouped:
        for to_code in row["to_codes"].split(";"):
            entry = pairs[(row["package__from_code"], to_code)]
            entry["count"] += row["count"]
            if entry["last"] is None or row["last"] > entry["last"]:
                entry["last"] = row["last"]
    rows = [{"from_code": f, "to_code": t, **v} for (f, t), v in pairs.items()]
    rows.sort(key=lambda r: (-r["count"], r["from_code"], r["to_code"]))
    return rows


def hub_context(request: HttpRequest) -> dict[str, str]:
    """Template context of every hub page (settings: TEMPLATES context_processors)."""
    return {"organ_id": settings.HUB_ORGAN_ID}


@user_passes_test(_is_operator)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    day_ago = now - dt.timedelta(days=1)
    try:
        days = int(request.GET.get("ngay", TRAFFIC_DAYS[0]))
    except ValueError:
        days = TRAFFIC_DAYS[0]
    if days not in TRAFFIC_DAYS:
        days = TRAFFIC_DAYS[0]
    edocs = Delivery.objects.filter(
        messagetype=Package.MessageType.EDOC, created_at__gte=now - dt.timedelta(days=days)
    )
    pairs = traffic_pairs(edocs)[:LIMIT]
    names = dict(Agency.objects.values_list("code", "name"))
    for row in pairs:
        row["from_name"] = names.get(row["from_code"], "")
        row["to_name"] = names.get(row["to_code"], "")
    waiting = list(
        Delivery.objects.filter(state__in=WAITING)
        .select_related("package", "system")
        .order_by("created_at")[:LIMIT]
    )
    for delivery in waiting:
        delivery.age = format_age(now - delivery.created_at)  # type: ignore[attr-defined]
    failed = (
        Delivery.objects.filter(state="fail")
        .select_related("package", "system")
        .order_by("-updated_at")[:LIMIT]
    )
    systems = System.objects.annotate(
        agency_count=Count("agencies", distinct=True),
        waiting=Count("deliveries", filter=Q(deliveries__state__in=WAITING)),
    ).order_by("kind", "systemid")
    context = {
        "now": now,
        "upstream_url": settings.HUB_UPSTREAM_URL,
        "federation": dict(FederationState.objects.values_list("key", "value")),
        "totals": {
            "packages": Package.objects.count(),
            "packages_day": Package.objects.filter(created_at__gte=day_ago).count(),
            "waiting": Delivery.objects.filter(state__in=WAITING).count(),
            "failed": Delivery.objects.filter(state="fail").count(),
            "rejected_day": RejectedRequest.objects.filter(created_at__gte=day_ago).count(),
        },
        "pairs": pairs,
        "traffic_days": days,
        "traffic_choices": sorted(TRAFFIC_DAYS),
        "traffic_limit": LIMIT,
        "waiting": waiting,
        "failed": failed,
        "rejected": RejectedRequest.objects.order_by("-id")[:LIMIT],
        "systems": systems,
        "agencies": Agency.objects.select_related("system").order_by("code")[:500],
        "agency_count": Agency.objects.count(),
    }
    return render(request, "hub/dashboard.html", context)
