from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class StatusCode(models.TextChoices):
    """Feedback statuses of QCVN 102:2016 (edXML status messages). Persisted as the wire code
    so that the local and the hub transports record exactly the same values."""

    SENT = "00", "Đã gửi"
    ARRIVED = "01", "Đã đến"
    REJECTED = "02", "Từ chối"
    ACCEPTED = "03", "Đã tiếp nhận"
    ASSIGNED = "04", "Phân công"
    PROCESSING = "05", "Đang xử lý"
    COMPLETED = "06", "Hoàn thành"
    RECALL_REQUESTED = "13", "Yêu cầu lấy lại"
    RECALL_AGREED = "15", "Đồng ý lấy lại/cập nhật"
    RECALL_REFUSED = "16", "Từ chối lấy lại/cập nhật"


class Delivery(models.Model):
    """One recipient of one issued document, and where its copy stands."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="deliveries_received"
    )
    transport = models.CharField(max_length=20, default="local")
    status = models.CharField(max_length=2, choices=StatusCode.choices, default=StatusCode.SENT)
    incoming_document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_delivery",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.recipient_id}: {self.status}"


class DeliveryEvent(models.Model):
    """The timeline a sender sees per recipient: each status with its time and actor."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=2, choices=StatusCode.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"
