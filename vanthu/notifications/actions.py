"""Use cases of the notifications app.

`notify()` is the contract every other app calls: it writes the in-app notification and, in
the same transaction, the outbox rows for e-mail and SMS (transactional outbox: if the
caller's transaction rolls back, nothing is announced; if it commits, the rows are there for
`notifications_send`). It never raises for a delivery problem: a missing address or a channel
that is switched off simply means no row for that channel.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.documents.numbering import local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.notifications import conf
from vanthu.notifications.models import (
    KIND_LABELS,
    Channel,
    Notification,
    OutboxMessage,
    OutboxStatus,
    Preference,
)

log = logging.getLogger(__name__)

TITLE_MAX = 300
URL_MAX = 500
SMS_MAX = (
    306  # two concatenated GSM segments; Vietnamese with diacritics costs more, still readable
)
DIGEST_LIST_MAX = 30
# What fits one phone screen; the short texts callers pass as `sms_text` are cut to it.
SMS_SHORT = 160

# Vietnamese mobile numbers: 10 digits starting 0[35789], or the same after +84 / 84.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def normalize_phone(raw: str) -> str | None:
    """The number in the national form 0xxxxxxxxx, or None when it is not a mobile number."""
    match = _MOBILE.match(_PHONE_SEPARATORS.sub("", raw or ""))
    return f"0{match.group(1)}" if match else None


def safe_url(url: str) -> str:
    """Only paths inside VanThu: a notification must never send its reader elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and len(url) <= URL_MAX:
        return url
    if url:
        log.warning("notification link %r dropped: only paths inside VanThu are linked", url)
    return ""


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sms_line(text: str) -> str:
    """`text` on one line, cut to SMS_SHORT characters: the short SMS callers build."""
    return _clip(text, SMS_SHORT)


def preferences_of(user) -> Preference:
    """The saved preferences, or the defaults (unsaved) for someone who never changed them."""
    pref = Preference.objects.filter(user=user).first()
    return pref if pref is not None else Preference(user=user)


def sms_phone_of(user, pref: Preference) -> str | None:
    return normalize_phone(pref.sms_phone) or normalize_phone(getattr(user, "phone", ""))


def _email_payload(notification: Notification) -> dict:
    recipient = notification.recipient
    lines = [f"Kính gửi {recipient.full_name or recipient.username},", "", notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"Xem chi tiết: {conf.public_url()}{notification.url}"]
    lines += [
        "",
        "—",
        "Thư này do hệ thống VanThu gửi tự động, xin không trả lời thư này.",
        f"Thay đổi cách nhận thông báo: {conf.public_url()}{reverse('notifications:preferences')}",
    ]
    return {"subject": _clip(f"[VanThu] {notification.title}", 250), "body": "\n".join(lines)}


def _sms_payload(notification: Notification, sms_text: str = "") -> dict:
    if sms_text.strip():
        return {"text": _clip(sms_text, SMS_SHORT)}
    text = f"[VanThu] {notification.title}"
    if notification.body:
        text += f": {notification.body}"
    return {"text": _clip(text, SMS_MAX)}


@dataclass(frozen=True)
class Message:
    """One notification to write: the arguments of notify(), for notify_many()."""

    recipient: Any
    kind: str
    title: str
    body: str = ""
    url: str = ""
    actor: Any = None
    sms: bool = False
    sms_text: str = ""


def notify(
    recipient,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    sms: bool = False,
    sms_text: str = "",
) -> None:
    """Tell `recipient` in the app, and by e-mail / SMS as their preferences allow.

    `sms=True` marks a message worth a text (a leader's directive); SMS is never sent
    otherwise. `sms_text` is the short wording of that text, cut to one phone screen
    (SMS_SHORT characters), for when the title and body are too long for it. Call it
    inside the transaction of the change it reports."""
    notify_many(
        [Message(recipient, kind, title, body, url, actor=actor, sms=sms, sms_text=sms_text)]
    )


def _wanted(message: Message) -> bool:
    recipient, actor = message.recipient, message.actor
    if recipient is None or not getattr(recipient, "pk", None):
        return False
    # Nobody needs to be told about what they just did themselves.
    return actor is None or getattr(actor, "pk", None) != recipient.pk


def _outbox_rows(message: Message, notification: Notification, pref: Preference, now) -> list:
    recipient, kind = message.recipient, message.kind
    rows = []
    if conf.email_enabled() and recipient.email and pref.allows(Channel.EMAIL, kind):
        rows.append(
            OutboxMessage(
                notification=notification,
                recipient=recipient,
                channel=Channel.EMAIL,
                address=recipient.email,
                payload=_email_payload(notification),
                next_attempt_at=now,
            )
        )
    phone = sms_phone_of(recipient, pref) if message.sms else None
    if phone and conf.sms_enabled() and pref.allows(Channel.SMS, kind):
        rows.append(
            OutboxMessage(
                notification=notification,
                recipient=recipient,
                channel=Channel.SMS,
                address=phone,
                payload=_sms_payload(notification, message.sms_text),
                next_attempt_at=now,
            )
        )
    return rows


def notify_many(messages: Iterable[Message]) -> int:
    """notify() for many messages at once, with the same rules (yourself, inactive people,
    preferences, the outbox in the caller's transaction) in three statements whatever
    their number: the notifications in one INSERT, the preferences of all recipients in
    one query, the e-mail and SMS rows in one INSERT. The reminder sweep tells about a
    thousand people a day; one notify() each cost a savepoint and three statements
    (docs/PERFORMANCE.md). Returns the number of in-app notifications written."""
    wanted = [m for m in messages if _wanted(m)]
    if not wanted:
        return 0
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=m.recipient,
                    actor=m.actor if getattr(m.actor, "pk", None) else None,
                    kind=(m.kind or "other")[:40],
                    title=_clip(m.title, TITLE_MAX) or KIND_LABELS.get(m.kind, "Thông báo"),
                    body=(m.body or "").strip(),
                    url=safe_url(m.url),
                )
                for m in wanted
            ]
        )
        # Inactive people keep the in-app row (it is history) but are sent nothing.
        active = [
            (m, n) for m, n in zip(wanted, notifications, strict=True) if m.recipient.is_active
        ]
        if not active or not (conf.email_enabled() or conf.sms_enabled()):
            return len(notifications)
        saved = Preference.objects.filter(user_id__in={m.recipient.pk for m, _ in active})
        prefs = {p.user_id: p for p in saved}
        now = timezone.now()
        rows = []
        for m, n in active:
            pref = prefs.get(m.recipient.pk) or Preference(user_id=m.recipient.pk)
            rows += _outbox_rows(m, n, pref, now)
        if rows:
            OutboxMessage.objects.bulk_create(rows)
    return len(notifications)


# Reading one's own notifications is not audited: it changes nothing anyone else relies on,
# and an audit line per click would drown the events that matter.


def mark_read(user, notification: Notification, *, now: datetime | None = None) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("Thông báo này không phải của bạn.")
    moment = now or timezone.now()
    # Compare-and-set: the first reading time is kept when two tabs open it at once.
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=moment)
    if notification.read_at is None:
        notification.read_at = moment


def mark_all_read(user, *, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def update_preferences(
    user,
    *,
    email_enabled: bool,
    sms_enabled: bool,
    sms_phone: str,
    digest_enabled: bool,
    muted: dict[str, list[str]] | None = None,
) -> Preference:
    errors: dict[str, str] = {}
    phone = ""
    if (sms_phone or "").strip():
        phone = normalize_phone(sms_phone) or ""
        if not phone:
            errors["sms_phone"] = (
                "Số điện thoại di động không hợp lệ: cần 10 chữ số bắt đầu bằng 03, 05, 07, "
                "08, 09 (hoặc +84)."
            )
    clean_muted: dict[str, list[str]] = {}
    for channel, kinds in (muted or {}).items():
        if channel not in Channel.values or not isinstance(kinds, list | tuple | set):
            errors["muted"] = "Lựa chọn loại thông báo không hợp lệ."
            continue
        clean_muted[channel] = sorted({str(k)[:40] for k in kinds})
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user=user)
        fields = ("email_enabled", "sms_enabled", "sms_phone", "digest_enabled", "muted")
        before = {name: getattr(pref, name) for name in fields}
        pref.email_enabled = email_enabled
        pref.sms_enabled = sms_enabled
        pref.sms_phone = phone
        pref.digest_enabled = digest_enabled
        pref.muted = clean_muted
        pref.save()
        after = {name: getattr(pref, name) for name in fields}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            record_event(
                "notifications.preferences_updated",
                user,
                actor=user,
                before={k: before[k] for k in changed},
                after=changed,
            )
    return pref


def retry_message(admin, message: OutboxMessage, *, now: datetime | None = None) -> None:
    """An administrator sends a failed or stuck message again, with a fresh attempt budget."""
    if not roles_of(admin).is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống được gửi lại thư, tin nhắn.")
    if message.status == OutboxStatus.SENT:
        raise InvalidTransition("Thư, tin nhắn này đã được gửi.")
    moment = now or timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, status=message.status).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=moment
        )
        if updated != 1:
            raise InvalidTransition("Thư, tin nhắn này vừa được xử lý; hãy tải lại trang.")
        record_event(
            "notifications.delivery_retried",
            message,
            actor=admin,
            before={"status": message.status, "attempts": message.attempts},
            after={"status": OutboxStatus.PENDING, "attempts": 0},
            note=f"{message.get_channel_display()} → {message.address}",
        )
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, moment


def _digest_payload(user, unread: list[Notification], total: int, day: date) -> dict:
    lines = [
        f"Kính gửi {user.full_name or user.username},",
        "",
        f"Anh/chị có {total} thông báo chưa đọc trên VanThu (tổng hợp ngày {day:%d/%m/%Y}):",
        "",
    ]
    for item in unread:
        when = timezone.localtime(item.created_at)
        lines.append(f"- {when:%d/%m/%Y %H:%M} — {item.title}")
        if item.url:
            lines.append(f"  {conf.public_url()}{item.url}")
    if total > len(unread):
        lines.append(f"… và {total - len(unread)} thông báo khác.")
    lines += [
        "",
        f"Xem tất cả: {conf.public_url()}{reverse('notifications:list')}",
        f"Tắt thư tổng hợp: {conf.public_url()}{reverse('notifications:preferences')}",
    ]
    subject = f"[VanThu] {total} thông báo chưa đọc — tổng hợp ngày {day:%d/%m/%Y}"
    return {"subject": subject, "body": "\n".join(lines)}


def queue_digests(*, now: datetime | None = None) -> int:
    """Queue today's digest e-mail for everyone who opted in and has unread notifications.
    Running it twice on one day queues nothing more (idempotency key per person and day)."""
    if not conf.email_enabled():
        return 0
    moment = now or timezone.now()
    day = local_today() if now is None else timezone.localdate(moment)
    queued = 0
    prefs = Preference.objects.filter(digest_enabled=True, user__is_active=True).exclude(
        user__email=""
    )
    for pref in prefs.select_related("user").iterator():
        user = pref.user
        unread_qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
        total = unread_qs.count()
        key = f"digest:{user.pk}:{day.isoformat()}"
        if total == 0 or OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        unread = list(unread_qs.order_by("-created_at")[:DIGEST_LIST_MAX])
        try:
            with transaction.atomic():
                OutboxMessage.objects.create(
                    idempotency_key=key,
                    recipient=user,
                    channel=Channel.EMAIL,
                    address=user.email,
                    payload=_digest_payload(user, unread, total, day),
                    next_attempt_at=moment,
                )
                Preference.objects.filter(pk=pref.pk).update(last_digest_on=day)
        except IntegrityError:
            continue  # a concurrent run queued this person's digest first
        queued += 1
    return queued
