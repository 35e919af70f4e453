"""Models of the notifications app: the in-app notification, each person's preferences, and
the outbox of e-mails and text messages waiting for (or done with) their external channel."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

# Kinds other apps pass to notify(). The list only labels them on the preferences page; an
# unknown kind is still accepted (and shown by its code) so a new caller never breaks.
KIND_LABELS = {
    "exchange_request": "Yêu cầu thu hồi, cập nhật, thay thế văn bản đến",
    "exchange_answer": "Nơi nhận trả lời yêu cầu thu hồi, cập nhật",
    "assignment": "Được giao xử lý văn bản",
    "directive": "Ý kiến chỉ đạo của lãnh đạo",
    "completed": "Việc đã giao được hoàn thành",
    "reminder": "Nhắc việc sắp đến hạn",
    "overdue": "Việc quá hạn",
    "review": "Dự thảo chờ cho ý kiến, phê duyệt",
    "signing": "Văn bản chờ ký số",
    "arrival": "Văn bản điện tử đến cơ quan",
    "schedule": "Lịch công tác",
    "delegation": "Ủy quyền",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


class Notification(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="người nhận",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người gửi",
    )
    kind = models.CharField("loại", max_length=40)
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", blank=True)
    # A path inside VanThu ("/xu-ly/..."), never an outside address: see actions.safe_url.
    url = models.CharField("liên kết", max_length=500, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        # The unread count polled every 30 s and the list (unread first) read this index.
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"


class Preference(models.Model):
    """A person's choices. No row means the defaults below; the in-app channel is always on,
    because it is where the work itself arrives."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name="người dùng",
    )
    email_enabled = models.BooleanField("nhận thư điện tử", default=True)
    # SMS is sent only for messages the caller marks as worth a text (the leaders'
    # directives, as cities do today), so it is on by default.
    sms_enabled = models.BooleanField("nhận tin nhắn SMS", default=True)
    # The directory's phone may be a desk line; a mobile for texts can be given here.
    sms_phone = models.CharField("số điện thoại nhận SMS", max_length=15, blank=True)
    digest_enabled = models.BooleanField("nhận thư tổng hợp hằng ngày", default=False)
    # {"email": [kinds], "sms": [kinds]} switched OFF: stored as exclusions, so a kind
    # introduced later reaches everyone until they opt out.
    muted = models.JSONField("loại không nhận", default=dict, blank=True)
    last_digest_on = models.DateField("thư tổng hợp gần nhất", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cài đặt thông báo"
        verbose_name_plural = "cài đặt thông báo"

    def __str__(self) -> str:
        return f"Cài đặt thông báo của {self.user}"

    def allows(self, channel: str, kind: str) -> bool:
        enabled = self.email_enabled if channel == Channel.EMAIL else self.sms_enabled
        return enabled and kind not in (self.muted or {}).get(channel, [])


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"


class OutboxMessage(models.Model):
    """One message for one external channel, written in the same transaction as the event it
    reports (transactional outbox) and sent later by `notifications_send` with retries."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # "digest:<user>:<date>" for the daily digest, so a second run the same day adds nothing.
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người nhận",
    )
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    address = models.CharField("địa chỉ", max_length=254)
    # e-mail: {"subject", "body"}; SMS: {"text"}.
    payload = models.JSONField("nội dung gửi")
    status = models.CharField(
        "trạng thái", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    next_attempt_at = models.DateTimeField("lần thử tiếp theo")
    last_error = models.TextField("lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi được lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư, tin nhắn chờ gửi"
        verbose_name_plural = "hàng đợi gửi thư, tin nhắn"
        # The sender asks "pending and due", the admin page "failed" and "pending since".
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address} ({self.get_status_display()})"

    @property
    def subject(self) -> str:
        return self.payload.get("subject") or self.payload.get("text", "")


class ExchangeContact(models.Model):
    """An agency's contact point for electronic documents (đầu mối tiếp nhận văn bản điện
    tử): told at once, by SMS as well, when a document arrives through the exchange. An
    agency without any active contact falls back to its clerks, so nothing arrives unseen.

    Removal switches `active` off instead of deleting, so the page can say who was a contact
    and the audit trail keeps pointing at a row; adding the person again reactivates it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.CASCADE,
        related_name="exchange_contacts",
        verbose_name="cơ quan",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_contact_roles",
        verbose_name="người làm đầu mối",
    )
    active = models.BooleanField("đang làm đầu mối", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người chỉ định",
    )
    added_at = models.DateTimeField("chỉ định lúc")
    removed_at = models.DateTimeField("thôi làm đầu mối lúc", null=True, blank=True)

    class Meta:
        verbose_name = "đầu mối tiếp nhận văn bản điện tử"
        verbose_name_plural = "đầu mối tiếp nhận văn bản điện tử"
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"], name="exchange_contact_unique")
        ]
        # The arrival hook asks "active contacts of this agency" on every electronic arrival.
        indexes = [models.Index(fields=["agency", "active"], name="exchange_contact_agency")]

    def __str__(self) -> str:
        return f"{self.user} — đầu mối của {self.agency}"
