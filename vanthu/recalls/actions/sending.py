"""The sender's side of recall, update and replace (Decree 30 Art. 18.4; edXML business
types 1–3, status 13): one ExchangeRequest per recipient, handed to the delivery's transport
(`send_request`); and `request_answered`, called by `feedback.record_status` when the
recipient's 15 or 16 comes back.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.documents.actions.common import require_role
from vanthu.documents.files import PDF, add_version, check_upload
from vanthu.documents.models import Direction, Document, FileVersion, Status
from vanthu.documents.search import search_text_for
from vanthu.errors import InvalidTransition, ValidationFailed
from vanthu.exchange.feedback import record_status
from vanthu.exchange.models import Delivery, StatusCode
from vanthu.exchange.transports import get_transport
from vanthu.notifications.actions import notify
from vanthu.recalls.fields import REASON_MAX, clean_changes, parse_received, to_json
from vanthu.recalls.models import ExchangeRequest, Kind, State
from vanthu.recalls.selectors import SENDER_ROLES, blocked_reason, is_fully_recalled
from vanthu.signing.actions import check_signatures

log = logging.getLogger(__name__)

# The reasons the edXML samples use when the clerk gives none (a recall needs a real one).
DEFAULT_REASONS = {Kind.UPDATE: "Cập nhật văn bản điện tử", Kind.REPLACE: "Văn bản thay thế"}


def _require_sender(user, doc: Document) -> None:
    require_role(user, doc.agency, *SENDER_ROLES)
    if doc.direction != Direction.OUTGOING or doc.status != Status.ISSUED:
        raise InvalidTransition(
            "Chỉ văn bản đi đã phát hành mới thu hồi, cập nhật hoặc thay thế được."
        )


def _clean_reason(reason: str, kind: str, errors: dict) -> str:
    reason = (reason or "").strip()
    if not reason and kind == Kind.RECALL:
        errors["reason"] = "Hãy nêu lý do thu hồi văn bản."
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Lý do dài tối đa {REASON_MAX} ký tự."
    return reason or DEFAULT_REASONS.get(kind, "")


def _choose(doc: Document, kind: str, recipients, errors: dict) -> list[Delivery]:
    """The deliveries the request goes to: all that can receive it (recipients=None), or the
    chosen agencies, each of which must be able to."""
    deliveries = list(
        Delivery.objects.select_for_update(of=("self",))
        .filter(document=doc)
        .select_related("recipient", "incoming_document")
        .order_by("recipient__name", "pk")
    )
    if not deliveries:
        errors["recipients"] = "Văn bản không được gửi điện tử đến cơ quan nào."
        return []
    requests: dict[int, list[ExchangeRequest]] = {d.pk: [] for d in deliveries}
    for r in ExchangeRequest.objects.filter(delivery__in=deliveries):
        requests[r.delivery_id].append(r)
    blocked = {d.pk: blocked_reason(d, kind, requests[d.pk]) for d in deliveries}
    if recipients is None:
        chosen = [d for d in deliveries if blocked[d.pk] is None]
        if not chosen:
            errors["recipients"] = "Không nơi nhận nào nhận được yêu cầu này: " + " ".join(
                b for b in blocked.values() if b
            )
        return chosen
    wanted = {a.pk for a in recipients}
    if not wanted:
        errors["recipients"] = "Hãy chọn ít nhất một nơi nhận."
        return []
    by_agency = {d.recipient_id: d for d in deliveries}
    problems = [
        f"{a.name}: không phải nơi nhận điện tử của văn bản."
        for a in recipients
        if a.pk not in by_agency
    ]
    chosen = [by_agency[pk] for pk in sorted(wanted) if pk in by_agency]
    problems += [blocked[d.pk] for d in chosen if blocked[d.pk]]
    if problems:
        errors["recipients"] = " ".join(problems)
    return chosen


def _lock(doc: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("agency", "doc_type")
        .get(pk=doc.pk)
    )


def _send(user, delivery: Delivery, kind: str, reason: str, **extra) -> ExchangeRequest:
    try:
        with transaction.atomic():
            request = ExchangeRequest.objects.create(
                delivery=delivery, kind=kind, reason=reason, created_by=user, **extra
            )
    except IntegrityError:  # another clerk's request on this delivery, a moment earlier
        raise InvalidTransition(
            f"{delivery.recipient.name}: vừa có yêu cầu khác được gửi; hãy tải lại trang."
        ) from None
    if kind == Kind.RECALL:
        # 13 (yêu cầu lấy lại) opens the recall on the sender's own timeline.
        record_status(delivery, StatusCode.RECALL_REQUESTED, actor=user, note=reason)
    get_transport(delivery.transport).send_request(request)
    return request


def _names(deliveries: list[Delivery]) -> str:
    return ", ".join(d.recipient.name for d in deliveries)


def request_recall(user, delivery_or_document, reason: str, *, recipients=None):
    """Ask recipients to give back (destroy) their copy. A Delivery: that recipient only; a
    Document: `recipients` (agencies) or, when None, every recipient that can receive it."""
    if isinstance(delivery_or_document, Delivery):
        doc = delivery_or_document.document
        recipients = [delivery_or_document.recipient]
    else:
        doc = delivery_or_document
    _require_sender(user, doc)
    errors: dict[str, str] = {}
    reason = _clean_reason(reason, Kind.RECALL, errors)
    with transaction.atomic():
        doc = _lock(doc)
        chosen = _choose(doc, Kind.RECALL, recipients, errors)
        if errors:
            raise ValidationFailed(errors)
        sent = [_send(user, d, Kind.RECALL, reason) for d in chosen]
        record_event(
            "recalls.recall_requested",
            doc,
            actor=user,
            agency=doc.agency,
            after={"recipients": [d.recipient.code for d in chosen]},
            note=f"{_names(chosen)}: {reason}",
        )
    return sent


def _read_upload(upload) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        return upload
    return upload.name, upload.read()


def request_update(
    user, document, changes: dict, new_file_upload=None, *, reason: str = "", recipients=None
):
    """Correct an issued document's metadata (the fields of `fields.UPDATABLE_FIELDS`) and/or
    its signed main PDF, then ask the recipients to apply the same to their copies.

    The sender's own document takes the correction now (it is the agency's decision); each
    recipient's copy when its clerk agrees. `new_file_upload` is (name, bytes) or an
    uploaded file; it must be a PDF, its signatures are verified and the verdict recorded
    (the agency seal is not applied here: the replacing PDF arrives signed)."""
    _require_sender(user, document)
    proposed, errors = clean_changes(document, changes or {})
    checked = None
    if new_file_upload is not None:
        try:
            checked = check_upload(*_read_upload(new_file_upload), allowed={PDF}, field="file")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if checked is not None and "page_amount" not in (changes or {}):
        if checked.page_count != document.page_amount:
            proposed["page_amount"] = checked.page_count
    if not proposed and checked is None and not errors:
        errors["changes"] = "Chưa có thông tin nào thay đổi và chưa chọn tệp mới."
    reason = _clean_reason(reason, Kind.UPDATE, errors)
    with transaction.atomic():
        doc = _lock(document)
        chosen = _choose(doc, Kind.UPDATE, recipients, errors)
        if errors:
            raise ValidationFailed(errors)
        before = {name: to_json(getattr(doc, name)) for name in proposed}
        for name, value in parse_received(proposed).items():
            setattr(doc, name, value)
        doc.search_text = search_text_for(doc)
        doc.save(update_fields=[*proposed, "search_text", "updated_at"])
        after = dict(proposed)
        new_file = None
        if checked is not None:
            new_file = add_version(doc, checked, FileVersion.Kind.MAIN, user)
            verdict = check_signatures(new_file).verdict
            after["file"] = {
                "version": new_file.version,
                "sha256": new_file.sha256,
                "verdict": verdict,
            }
        sent = [
            _send(user, d, Kind.UPDATE, reason, changes=proposed, new_file=new_file) for d in chosen
        ]
        record_event(
            "recalls.update_requested",
            doc,
            actor=user,
            agency=doc.agency,
            before=before,
            after=after,
            note=f"{_names(chosen)}: {reason}",
        )
    return sent


def _check_replacement(old: Document, new: Document | None, errors: dict) -> None:
    if new is None:
        errors["replacement"] = "Hãy chọn văn bản thay thế."
    elif new.pk == old.pk:
        errors["replacement"] = "Văn bản không thể thay thế chính nó."
    elif new.agency_id != old.agency_id:
        errors["replacement"] = "Văn bản thay thế phải do cùng cơ quan ban hành."
    elif new.direction != Direction.OUTGOING or new.status != Status.ISSUED:
        errors["replacement"] = "Văn bản thay thế phải là văn bản đi đã phát hành."
    elif is_fully_recalled(new):
        errors["replacement"] = "Văn bản thay thế đã bị thu hồi."


def request_replace(user, old_document, new_document, reason: str = "", *, recipients=None):
    """Link a new issued document as the replacement of `old_document` for its recipients.

    Each recipient gets the new document through its own delivery (created now if the new
    document had not gone to it), then a replace request about its old copy."""
    _require_sender(user, old_document)
    errors: dict[str, str] = {}
    _check_replacement(old_document, new_document, errors)
    reason = _clean_reason(reason, Kind.REPLACE, errors)
    with transaction.atomic():
        doc = _lock(old_document)
        chosen = _choose(doc, Kind.REPLACE, recipients, errors)
        existing = {}
        if new_document is not None and "replacement" not in errors:
            existing = {
                d.recipient_id: d
                for d in Delivery.objects.filter(document=new_document).select_related("recipient")
            }
            frozen = set(
                ExchangeRequest.objects.filter(
                    delivery__document=new_document, kind=Kind.RECALL, state=State.AGREED
                ).values_list("delivery__recipient_id", flat=True)
            )
            lost = [d.recipient.name for d in chosen if d.recipient_id in frozen]
            if lost:
                errors["replacement"] = "Văn bản thay thế đã bị thu hồi ở: " + ", ".join(lost) + "."
        if errors:
            raise ValidationFailed(errors)
        sent = []
        for d in chosen:
            if d.recipient_id not in existing:
                # The recipients get the new document as any issued document (status 01…).
                new_document.recipient_agencies.add(d.recipient)
                delivery = Delivery.objects.create(
                    document=new_document, recipient=d.recipient, transport=d.transport
                )
                get_transport(delivery.transport).send(delivery)
            sent.append(_send(user, d, Kind.REPLACE, reason, replacement=new_document))
        record_event(
            "recalls.replace_requested",
            doc,
            actor=user,
            agency=doc.agency,
            after={"replacement": str(new_document.public_id), "reference": new_document.reference},
            note=f"Thay thế bởi {new_document.reference}. {_names(chosen)}: {reason}",
        )
    return sent


# --- sender, when the answer comes back -----------------------------------------------------


def request_answered(delivery: Delivery, *, agree: bool, actor_name: str = "", note: str = ""):
    """The recipient's 15 or 16 reached the sender (`feedback.record_status` calls this).

    Settles the delivery's pending request; a recall agreed freezes the outgoing document for
    that recipient, and for the whole document once every recipient agreed. An answer with
    no pending request (a duplicate status message) changes nothing."""
    with transaction.atomic():
        request = (
            ExchangeRequest.objects.select_for_update()
            .filter(delivery=delivery, state=State.PENDING)
            .first()
        )
        if request is None:
            log.warning("status %s for delivery %s without a pending request", agree, delivery.pk)
            return None
        state = State.AGREED if agree else State.REFUSED
        ExchangeRequest.objects.filter(pk=request.pk, state=State.PENDING).update(
            state=state,
            answered_at=timezone.now(),
            answer_note=note,
            answered_by_name=(actor_name or "")[:100],
        )
        request.refresh_from_db()
        delivery = Delivery.objects.select_related("document__agency", "recipient").get(
            pk=delivery.pk
        )
        doc = delivery.document
        kind = request.get_kind_display().lower()
        verb = "đồng ý" if agree else "từ chối"
        frozen = agree and request.kind == Kind.RECALL
        record_event(
            "recalls.recipient_agreed" if agree else "recalls.recipient_refused",
            doc,
            agency=doc.agency,
            after={
                "kind": request.kind,
                "recipient": delivery.recipient.code,
                "frozen_for_recipient": frozen,
            },
            note=f"{delivery.recipient.name} {verb} yêu cầu {kind}"
            + (f" ({actor_name})" if actor_name else "")
            + (f": {note}" if note else "")
            + (". Văn bản đi không còn gửi, cập nhật cho nơi nhận này." if frozen else ""),
        )
        if frozen and is_fully_recalled(doc):
            record_event(
                "recalls.document_recalled",
                doc,
                agency=doc.agency,
                after={"recalled": True},
                note="Mọi nơi nhận đã đồng ý thu hồi: văn bản đi được khóa.",
            )
        reference = doc.reference or "(không số)"
        notify(
            request.created_by,
            kind="exchange_answer",
            title=f"{delivery.recipient.name} {verb} yêu cầu {kind} văn bản {reference}",
            body=note,
            url=reverse("web:document_detail", args=[doc.public_id]),
        )
    return request
