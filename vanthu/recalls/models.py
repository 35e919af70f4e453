"""Recall (thu hồi), update (cập nhật) and replace (thay thế) of issued documents after issue.

Two rows per request, one on each side, because the two agencies may live in different
deployments: the sender's `ExchangeRequest` (one per delivery, answered through the status
feedback 15/16) and the recipient's `ReceivedRequest` (on its incoming copy, answered by its
clerk). The local transport links them (`origin`); over the hub only the messages do.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from vanthu.documents.models import Status


class Kind(models.TextChoices):
    # Persisted codes; the edXML business types are 1 (revoke, answered with 13/15/16 as a
    # recall), 2 (update) and 3 (replace).
    RECALL = "recall", "Thu hồi"
    UPDATE = "update", "Cập nhật"
    REPLACE = "replace", "Thay thế"


class State(models.TextChoices):
    PENDING = "pending", "Chờ trả lời"
    AGREED = "agreed", "Đã đồng ý"
    REFUSED = "refused", "Đã từ chối"


# Statuses an incoming copy takes when a request is agreed (Document.Status choices).
RECALLED = Status.RECALLED.value
REPLACED = Status.REPLACED.value
COPY_STATUS_LABELS = {RECALLED: "Đã thu hồi", REPLACED: "Đã bị thay thế"}


class RequestFields(models.Model):
    """What both sides record of a request; each side adds its own links and answer."""

    Kind = Kind
    State = State

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại yêu cầu", max_length=8, choices=Kind.choices)
    reason = models.TextField("lý do")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    # Update: the metadata fields that change, new values only, JSON-ready (dates ISO).
    changes = models.JSONField(default=dict, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ExchangeRequest(RequestFields):
    """The sender's request about one delivery of an issued outgoing document."""

    delivery = models.ForeignKey(
        "exchange.Delivery", on_delete=models.PROTECT, related_name="requests"
    )
    # Update: the replacing main PDF, a main version of the outgoing document itself.
    new_file = models.ForeignKey(
        "documents.FileVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Replace: the new issued outgoing document that replaces this one.
    replacement = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answer_note = models.TextField(blank=True)
    # The recipient's clerk, as the status message names them (maybe another deployment).
    answered_by_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "yêu cầu thu hồi, cập nhật, thay thế (nơi gửi)"
        verbose_name_plural = "yêu cầu thu hồi, cập nhật, thay thế (nơi gửi)"
        constraints = [
            # One open question per recipient at a time: the answer (15/16) carries no
            # request id, so two pending requests on one delivery could not be told apart.
            models.UniqueConstraint(
                fields=["delivery"],
                condition=Q(state="pending"),
                name="exchange_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["delivery", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delivery_id}: {self.state}"


class ReceivedRequest(RequestFields):
    """A request from the sender about an incoming copy, waiting for the recipient's clerk."""

    incoming = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="received_requests"
    )
    # Update: the new main PDF staged on the incoming copy as version 0, so that it is not
    # the current main version (the highest) until the clerk agrees.
    new_file = models.ForeignKey(
        "documents.FileVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Replace: the recipient's copy of the new document.
    replacement = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces_received",
    )
    origin = models.ForeignKey(
        ExchangeRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received",
    )
    received_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "yêu cầu thu hồi, cập nhật, thay thế (nơi nhận)"
        verbose_name_plural = "yêu cầu thu hồi, cập nhật, thay thế (nơi nhận)"
        indexes = [models.Index(fields=["incoming", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.incoming_id}: {self.state}"
