from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import render

from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions import outgoing_queue_for
from vanthu.documents.models import Direction, Status, Urgency
from vanthu.documents.numbering import local_today
from vanthu.processing.markers import mark_documents, still_open, with_handling_deadline
from vanthu.web.queues import inbox_for

QUEUE_LABELS = {
    "content_review": "Dự thảo chờ kiểm tra nội dung",
    "form_check": "Dự thảo chờ kiểm tra thể thức",
    "awaiting_signature": "Văn bản chờ ký duyệt",
    "substitute_signature": "Văn bản chờ ký thay lãnh đạo",
    "to_issue": "Văn bản chờ cấp số, phát hành",
}


def _overdue_first(qs):
    today = local_today()
    # The deadline that counts is the handling slip's once the leader has assigned it.
    return (
        with_handling_deadline(qs)
        .annotate(
            overdue=Case(
                When(still_open() & Q(handling_due__lt=today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            hot=Case(
                When(urgency=Urgency.NORMAL, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("overdue", "hot", F("handling_due").asc(nulls_last=True), "-created_at")
    )


@login_required
def dashboard(request):
    user = request.user
    roles = roles_of(user)
    visible = documents_visible_to(user)
    queues = []
    clerk_agencies = roles.agencies_with(Role.CLERK)
    if clerk_agencies:
        arrived = visible.filter(
            direction=Direction.INCOMING, status=Status.ARRIVED, agency_id__in=clerk_agencies
        )
        queues.append(
            ("Văn bản đến chờ tiếp nhận", arrived.count(), "web:incoming_list", "status=arrived")
        )
    for key, qs in outgoing_queue_for(user).items():
        if key == "form_check" and not clerk_agencies:
            continue
        queues.append((QUEUE_LABELS[key], qs.count(), "web:approvals", ""))
    presented = visible.filter(
        direction=Direction.INCOMING, status=Status.PRESENTED, presented_to=user
    )
    if roles.agencies_with(Role.AGENCY_LEADER):
        queues.append(
            ("Văn bản đến được trình, chờ chuyển", presented.count(), "web:approvals", "")
        )
    inbox = inbox_for(user)
    today = local_today()
    overdue = with_handling_deadline(inbox).filter(still_open(), handling_due__lt=today).count()
    my_items = mark_documents(_overdue_first(inbox.select_related("doc_type"))[:10], today)
    drafts = (
        visible.filter(direction=Direction.OUTGOING, created_by=user)
        .exclude(status=Status.ISSUED)
        .order_by("-updated_at")[:5]
    )
    return render(
        request,
        "web/dashboard.html",
        {
            "queues": queues,
            "my_items": my_items,
            "overdue": overdue,
            "inbox_count": inbox.count(),
            "drafts": drafts,
            "today": today,
        },
    )
