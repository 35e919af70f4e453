"""The delegation register (sổ ủy quyền): who may sign or handle documents for whom, from
which day to which day (both inclusive), and in which signing capacity (Decree 30/2020
Appendix I.II.7: TM., KT., TL., TUQ., Q.)."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from vanthu.documents.models import SigningCapacity


class Power(models.TextChoices):
    SIGN = "sign", "Ký thay, ký thừa ủy quyền"
    HANDLE = "handle", "Xử lý văn bản"


class State(models.TextChoices):
    """Where a delegation stands on a given day; computed, never stored."""

    UPCOMING = "upcoming", "Sắp có hiệu lực"
    ACTIVE = "active", "Đang có hiệu lực"
    EXPIRED = "expired", "Đã hết hạn"
    REVOKED = "revoked", "Đã thu hồi"


class DelegationQuerySet(models.QuerySet):
    def in_force(self, day: date):
        """Not revoked and valid on `day` (valid_from and valid_to both inclusive)."""
        return self.filter(revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day)

    def overlapping(self, start: date, end: date):
        """Not revoked and sharing at least one day with [start, end]."""
        return self.filter(revoked_at__isnull=True, valid_from__lte=end, valid_to__gte=start)


class Delegation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name="cơ quan",
    )
    # The leader who is away (or who authorises), and the substitute who acts for them.
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name="người ủy quyền",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name="người được ủy quyền",
    )
    power = models.CharField("nội dung ủy quyền", max_length=10, choices=Power.choices)
    capacity = models.CharField(
        "thẩm quyền ký", max_length=5, choices=SigningCapacity.choices, blank=True
    )
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến hết ngày")
    reason = models.CharField("lý do", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người đăng ký",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thu hồi",
    )
    revoke_reason = models.CharField("lý do thu hồi", max_length=500, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = "ủy quyền"
        verbose_name_plural = "sổ ủy quyền"
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(principal=F("delegate")), name="delegation_not_to_self"
            ),
        ]
        indexes = [
            # acting_for / principals_of: "what does this person hold today?" — equality on
            # delegate and power, then a range on valid_to (ends after today are few).
            models.Index(fields=["delegate", "power", "valid_to"], name="delegation_delegate_idx"),
            # The navigation counts read MAX(revoked_at) on every page (web/queues.py).
            models.Index(fields=["revoked_at"], name="delegation_revoked_idx"),
            # The overlap check at registration and the principal's own history.
            models.Index(
                fields=["principal", "power", "valid_to"], name="delegation_principal_idx"
            ),
            models.Index(fields=["agency", "valid_to"], name="delegation_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} thay {self.principal} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})"

    def state_on(self, day: date) -> str:
        if self.revoked_at is not None:
            return State.REVOKED
        if day < self.valid_from:
            return State.UPCOMING
        if day > self.valid_to:
            return State.EXPIRED
        return State.ACTIVE

    @property
    def capacity_label(self) -> str:
        return self.capacity or "ký thay"
