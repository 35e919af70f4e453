"""Read-side of recalls: who may ask or answer, which recipients can still receive a request,
and what the document page and the clerk's list show. Writes nothing."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Direction, Document, Status
from vanthu.documents.search import apply_search
from vanthu.exchange.models import Delivery, StatusCode
from vanthu.recalls.fields import differences
from vanthu.recalls.models import (
    COPY_STATUS_LABELS,
    RECALLED,
    REPLACED,
    ExchangeRequest,
    Kind,
    ReceivedRequest,
    State,
)

SENDER_ROLES = (Role.CLERK, Role.AGENCY_LEADER)


def may_request(user, doc: Document) -> bool:
    """The issuing agency's clerks and leaders ask for a recall, an update or a replacement."""
    return doc.direction == Direction.OUTGOING and roles_of(user).has(doc.agency_id, *SENDER_ROLES)


def may_answer(user, incoming: Document) -> bool:
    return incoming.direction == Direction.INCOMING and roles_of(user).has(
        incoming.agency_id, Role.CLERK
    )


def blocked_reason(delivery: Delivery, kind: str, requests: list[ExchangeRequest]) -> str | None:
    """Why `delivery` cannot receive a request of `kind` now (None: it can).

    `requests` are the delivery's requests; the rules: the recipient refused the document
    (02, it holds no copy), a recall was agreed (the copy is destroyed and the outgoing
    document frozen for it, Decree 30 Art. 18.4), a request is still waiting, or the copy
    was replaced (it can still be recalled, not updated or replaced again)."""
    name = delivery.recipient.name
    if delivery.status == StatusCode.REJECTED:
        return f"{name}: đã từ chối tiếp nhận văn bản."
    agreed = {r.kind for r in requests if r.state == State.AGREED}
    if Kind.RECALL in agreed:
        return f"{name}: văn bản đã được thu hồi."
    pending = next((r for r in requests if r.state == State.PENDING), None)
    if pending is not None:
        return f"{name}: đang có yêu cầu {pending.get_kind_display().lower()} chờ trả lời."
    if kind != Kind.RECALL and Kind.REPLACE in agreed:
        return f"{name}: văn bản đã bị thay thế."
    return None


def _requests_by_delivery(deliveries) -> dict[int, list[ExchangeRequest]]:
    grouped: dict[int, list[ExchangeRequest]] = {d.pk: [] for d in deliveries}
    for r in ExchangeRequest.objects.filter(delivery__in=list(deliveries)).order_by(
        "-created_at", "-id"
    ):
        grouped[r.delivery_id].append(r)
    return grouped


def delivery_options(doc: Document, kind: str) -> list[dict]:
    """Every electronic recipient of `doc` with the reason it cannot receive `kind`, if any."""
    deliveries = list(doc.deliveries.select_related("recipient").order_by("recipient__name"))
    grouped = _requests_by_delivery(deliveries)
    return [{"delivery": d, "blocked": blocked_reason(d, kind, grouped[d.pk])} for d in deliveries]


def is_frozen_for(doc: Document, agency) -> bool:
    """Whether `doc` was recalled from `agency` (no more deliveries or updates to it)."""
    return ExchangeRequest.objects.filter(
        delivery__document=doc,
        delivery__recipient=agency,
        kind=Kind.RECALL,
        state=State.AGREED,
    ).exists()


def is_fully_recalled(doc: Document) -> bool:
    """Every recipient holding a copy agreed to a recall (the refused ones hold none)."""
    live = doc.deliveries.exclude(status=StatusCode.REJECTED)
    if not live.exists():
        return False
    recalled = ExchangeRequest.objects.filter(
        delivery__in=live, kind=Kind.RECALL, state=State.AGREED
    ).values("delivery_id")
    return not live.exclude(pk__in=recalled).exists()


def copy_status_label(doc: Document) -> str:
    return COPY_STATUS_LABELS.get(doc.status) or doc.get_status_display()


# --- the document page ----------------------------------------------------------------------


def outgoing_panel(user, doc: Document) -> dict | None:
    if doc.direction != Direction.OUTGOING or doc.status != Status.ISSUED:
        return None
    deliveries = list(doc.deliveries.select_related("recipient").order_by("recipient__name"))
    if not deliveries:
        return None
    grouped = _requests_by_delivery(deliveries)
    rows = []
    for d in deliveries:
        requests = grouped[d.pk]
        rows.append(
            {
                "delivery": d,
                "requests": requests,
                "frozen": any(r.kind == Kind.RECALL and r.state == State.AGREED for r in requests),
            }
        )
    replacements = {
        r.replacement_id: r.replacement
        for r in ExchangeRequest.objects.filter(
            delivery__document=doc, replacement__isnull=False
        ).select_related("replacement")
    }
    replaces = (
        Document.objects.filter(
            pk__in=ExchangeRequest.objects.filter(replacement=doc).values("delivery__document_id")
        )
        .order_by("issued_at")
        .only("public_id", "number_text", "notation", "subject")
    )
    return {
        "doc": doc,
        "rows": rows,
        "can_request": may_request(user, doc),
        "fully_recalled": is_fully_recalled(doc),
        "replacements": list(replacements.values()),
        "replaces": list(replaces),
    }


def incoming_panel(user, doc: Document) -> dict | None:
    if doc.direction != Direction.INCOMING:
        return None
    requests = list(
        doc.received_requests.select_related("replacement", "answered_by", "new_file").order_by(
            "-received_at", "-id"
        )
    )
    replaces = list(
        ReceivedRequest.objects.filter(replacement=doc, state=State.AGREED).select_related(
            "incoming"
        )
    )
    if not requests and not replaces:
        return None
    pending = [r for r in requests if r.state == State.PENDING]
    for r in pending:
        r.diff = differences(doc, r.changes) if r.kind == Kind.UPDATE else []
        r.file_check = (
            r.new_file.signature_checks.order_by("-checked_at", "-id").first()
            if r.new_file
            else None
        )
    recall = next((r for r in requests if r.kind == Kind.RECALL and r.state == State.AGREED), None)
    replaced = next(
        (r for r in requests if r.kind == Kind.REPLACE and r.state == State.AGREED), None
    )
    return {
        "doc": doc,
        "pending": pending,
        "answered": [r for r in requests if r.state != State.PENDING],
        "can_answer": may_answer(user, doc),
        "recalled": doc.status == RECALLED,
        "recall": recall,
        "replaced": doc.status == REPLACED,
        "replaced_by": replaced.replacement if replaced else None,
        "replaces": [r.incoming for r in replaces],
        "status_label": copy_status_label(doc),
    }


# --- objects for a user ---------------------------------------------------------------------


def get_received_for_user(user, public_id) -> ReceivedRequest:
    """The received request, if the user may see its incoming copy; 404 otherwise."""
    received = (
        ReceivedRequest.objects.filter(public_id=public_id, incoming__in=documents_visible_to(user))
        .select_related("incoming__agency", "incoming__doc_type", "replacement", "new_file")
        .first()
        if _is_uuid(public_id)
        else None
    )
    if received is None:
        raise Http404("Không tìm thấy yêu cầu hoặc bạn không có quyền xem.")
    return received


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def replacement_candidates(user, doc: Document, query: str = "") -> QuerySet[Document]:
    """The agency's other issued outgoing documents the user sees, newest first."""
    qs = (
        documents_visible_to(user)
        .filter(agency_id=doc.agency_id, direction=Direction.OUTGOING, status=Status.ISSUED)
        .exclude(pk=doc.pk)
        .order_by("-issued_at", "-id")
    )
    return apply_search(qs, query) if query else qs


def pending_lists(user) -> dict:
    """The clerk's page: requests waiting for this user's agencies to answer, and requests
    this user's agencies sent that wait for the recipients."""
    roles = roles_of(user)
    visible = documents_visible_to(user)
    answering = roles.agencies_with(Role.CLERK)
    sending = roles.agencies_with(*SENDER_ROLES)
    received = (
        ReceivedRequest.objects.filter(
            state=State.PENDING, incoming__agency_id__in=answering, incoming__in=visible
        )
        .select_related("incoming__agency", "incoming__source_delivery__document__agency")
        .order_by("-received_at", "-id")
    )
    answered = (
        ReceivedRequest.objects.filter(incoming__agency_id__in=answering, incoming__in=visible)
        .exclude(state=State.PENDING)
        .select_related("incoming", "answered_by")
        .order_by("-answered_at", "-id")[:20]
    )
    sent = (
        ExchangeRequest.objects.filter(
            Q(state=State.PENDING),
            delivery__document__agency_id__in=sending,
            delivery__document__in=visible,
        )
        .select_related("delivery__recipient", "delivery__document", "created_by")
        .order_by("-created_at", "-id")
    )
    return {
        "received": list(received),
        "answered": list(answered),
        "sent": list(sent),
        "answers": bool(answering),
    }
