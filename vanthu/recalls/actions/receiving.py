"""The recipient's side: a transport records a request about an incoming copy
(`receive_request`); the clerk answers it (`answer_request`), which applies the effect and
reports 15 or 16 back through `feedback.report_back`.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.models import Membership, Role, User
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions.common import require_role
from vanthu.documents.models import Direction, Document
from vanthu.errors import InvalidTransition, ValidationFailed
from vanthu.exchange.feedback import report_back
from vanthu.exchange.models import StatusCode
from vanthu.notifications.actions import notify
from vanthu.recalls import effects
from vanthu.recalls.fields import REASON_MAX
from vanthu.recalls.models import ExchangeRequest, Kind, ReceivedRequest, State


def _clerks(agency) -> list[User]:
    members = Membership.objects.current().filter(agency=agency, role=Role.CLERK)
    return list(User.objects.filter(is_active=True, memberships__in=members).distinct())


def _notify_clerks(received: ReceivedRequest) -> None:
    doc = received.incoming
    reference = doc.reference or "(không số)"
    title = f"Yêu cầu {received.get_kind_display().lower()} văn bản {reference} — {doc.issuer_name}"
    url = reverse("recalls:answer", args=[received.public_id])
    for clerk in _clerks(doc.agency):
        visible = documents_visible_to(clerk).filter(pk=doc.pk).exists()
        notify(
            clerk,
            kind="exchange_request",
            title=title,
            body=received.reason,
            url=url if visible else "",
        )


def receive_request(
    incoming: Document,
    kind: str,
    reason: str,
    *,
    changes: dict | None = None,
    new_file=None,
    replacement: Document | None = None,
    origin: ExchangeRequest | None = None,
) -> ReceivedRequest:
    """Record a sender's request about an incoming copy and tell the agency's clerks.

    Called by the transports, in their transaction. The same request received twice (a
    retried package) is recorded once."""
    if kind not in Kind.values:
        raise ValidationFailed({"kind": f"Loại yêu cầu «{kind}» không hợp lệ."})
    if incoming.direction != Direction.INCOMING:
        raise InvalidTransition("Yêu cầu thu hồi, cập nhật chỉ áp dụng cho văn bản đến.")
    changes = changes or {}
    with transaction.atomic():
        # Serialises two deliveries of the same request (a retried package).
        Document.objects.select_for_update().filter(pk=incoming.pk).first()
        if origin is not None:
            duplicate = ReceivedRequest.objects.filter(origin=origin).first()
        else:
            same = ReceivedRequest.objects.filter(
                incoming=incoming,
                kind=kind,
                state=State.PENDING,
                reason=reason,
                replacement=replacement,
            )
            duplicate = next((r for r in same if r.changes == changes), None)
        if duplicate is not None:
            return duplicate
        staged = effects.stage_file(incoming, new_file) if new_file is not None else None
        received = ReceivedRequest.objects.create(
            incoming=incoming,
            kind=kind,
            reason=reason,
            changes=changes,
            new_file=staged,
            replacement=replacement,
            origin=origin,
        )
        record_event(
            "recalls.request_received",
            incoming,
            agency=incoming.agency,
            after={"kind": kind, "changes": changes, "file": staged.sha256 if staged else None},
            note=reason,
        )
        _notify_clerks(received)
    return received


_EFFECTS = {
    Kind.RECALL: effects.destroy_copy,
    Kind.UPDATE: effects.apply_update,
    Kind.REPLACE: effects.mark_replaced,
}


def answer_request(user, received: ReceivedRequest, agree: bool, note: str = "") -> ReceivedRequest:
    """The recipient's clerk agrees (15: the effect is applied) or refuses (16, with a note)."""
    incoming = received.incoming
    require_role(user, incoming.agency, Role.CLERK)
    note = (note or "").strip()
    if not agree and not note:
        raise ValidationFailed({"note": "Hãy nêu lý do từ chối để báo lại cơ quan gửi."})
    if len(note) > REASON_MAX:
        raise ValidationFailed({"note": f"Ghi chú dài tối đa {REASON_MAX} ký tự."})
    state = State.AGREED if agree else State.REFUSED
    with transaction.atomic():
        incoming = Document.objects.select_for_update().select_related("agency").get(pk=incoming.pk)
        changed = ReceivedRequest.objects.filter(pk=received.pk, state=State.PENDING).update(
            state=state, answered_by=user, answered_at=timezone.now(), note=note
        )
        if changed != 1:
            raise InvalidTransition("Yêu cầu này đã được trả lời; hãy tải lại trang.")
        received.refresh_from_db()
        # Reported first, while the copy still has everything a status message names.
        report_back(
            incoming,
            StatusCode.RECALL_AGREED if agree else StatusCode.RECALL_REFUSED,
            actor=user,
            note=note,
        )
        if agree:
            _EFFECTS[received.kind](user, incoming, received)
        elif received.new_file_id:
            effects.discard_file(received.new_file)
        record_event(
            "recalls.request_agreed" if agree else "recalls.request_refused",
            incoming,
            actor=user,
            agency=incoming.agency,
            after={"kind": received.kind, "state": state, "request": str(received.public_id)},
            note=note or received.reason,
        )
    return received
