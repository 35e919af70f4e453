from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Agency(models.Model):
    """A body with its own seal, registers and yearly numbering (cơ quan, tổ chức)."""

    class Kind(models.TextChoices):
        PROVINCE_COMMITTEE = "province_committee", "UBND tỉnh/thành phố"
        PROVINCE_DEPARTMENT = "province_department", "Sở, ban, ngành"
        COMMUNE_COMMITTEE = "commune_committee", "UBND xã/phường"
        MINISTRY = "ministry", "Bộ, cơ quan ngang bộ"
        OTHER = "other", "Cơ quan, tổ chức khác"

    code = models.CharField("mã định danh (QCVN 102)", max_length=13, unique=True)
    code_qd20 = models.CharField("mã định danh (QĐ 20/2020)", max_length=35, blank=True)
    name = models.CharField("tên cơ quan", max_length=200)
    abbreviation = models.CharField(
        "tên viết tắt", max_length=20, help_text="Dùng trong ký hiệu văn bản, ví dụ UBND, STC."
    )
    kind = models.CharField("loại", max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="cơ quan cấp trên",
    )
    email = models.EmailField("thư điện tử", blank=True)
    external_id = models.CharField("mã trên trục", max_length=64, blank=True)
    # Kênh liên thông: an agency hosted by this deployment receives through the local
    # transport; any other one (a ministry, another province) through the hub. Agencies
    # imported from the hub's directory (exchange_sync_agencies) are "hub".
    exchange_channel = models.CharField(
        "kênh liên thông",
        max_length=8,
        choices=[("local", "Nội bộ (cùng hệ thống)"), ("hub", "Trục liên thông")],
        default="local",
    )
    valid_from = models.DateField("hiệu lực từ", default=date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name="cơ quan kế thừa",
    )
    # When set, documents issued to this agency over the internal transport are refused
    # unless they carry valid signatures (used by the signatures issue).
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan, tổ chức"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Department(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="departments", verbose_name="cơ quan"
    )
    code = models.CharField(
        "mã đơn vị", max_length=20, help_text="Dùng trong ký hiệu công văn, ví dụ VP, KT, VX."
    )
    name = models.CharField("tên phòng, ban", max_length=200)

    class Meta:
        verbose_name = "phòng, ban"
        verbose_name_plural = "phòng, ban"
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="department_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.abbreviation}"


class Position(models.Model):
    name = models.CharField("chức vụ", max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField("thứ bậc", default=50)

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField("họ và tên", max_length=100)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CLERK = "clerk", "Văn thư"
    AGENCY_LEADER = "agency_leader", "Lãnh đạo cơ quan"
    DEPARTMENT_LEADER = "department_leader", "Lãnh đạo phòng"
    SPECIALIST = "specialist", "Chuyên viên"
    ADMIN = "admin", "Quản trị hệ thống"


class MembershipQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        day = on or date.today()  # noqa: DTZ011 - a calendar day, compared with DateFields
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Membership(models.Model):
    """A role a person holds in an agency (and optionally a department). One person may hold
    several, in several units, e.g. a deputy director who also heads a department."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="người dùng"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name="cơ quan"
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="phòng, ban",
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, verbose_name="chức vụ"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    valid_from = models.DateField("từ ngày", default=date(2000, 1, 1))
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "department", "role"], name="membership_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        where = self.department.name if self.department else self.agency.abbreviation
        return f"{self.user} — {self.get_role_display()} — {where}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
