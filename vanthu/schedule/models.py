"""The leadership's weekly work calendar (lịch công tác tuần) of each agency.

A `Week` holds the working copy of its entries and, once published, a frozen copy of what
was published (`published_rows`). Ordinary staff only ever see the frozen copy: an edit
after publishing does not silently change the calendar the agency was given, it waits in
the working copy until the clerk or a leader publishes it again as the next version
("điều chỉnh lần N"), the way provinces re-issue an adjusted weekly calendar.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class WeekStatus(models.TextChoices):
    # Persisted codes.
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã công bố"


class Week(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="schedule_weeks",
        verbose_name="cơ quan",
    )
    iso_year = models.PositiveSmallIntegerField("năm (ISO)")
    iso_week = models.PositiveSmallIntegerField("tuần (ISO)")
    status = models.CharField(
        "trạng thái", max_length=16, choices=WeekStatus.choices, default=WeekStatus.DRAFT
    )
    # How many times the week was published: 1 is the first issue, N > 1 is "điều chỉnh
    # lần N-1". 0 while it was never published.
    version = models.PositiveSmallIntegerField("lần công bố", default=0)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người công bố",
    )
    # The rows as published (see rows.entry_row), so that staff read a stable calendar.
    published_rows = models.JSONField("lịch đã công bố", default=list, blank=True)
    # The working copy differs from what was published (or was never published).
    has_changes = models.BooleanField("có thay đổi chưa công bố", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lịch công tác tuần"
        verbose_name_plural = "lịch công tác tuần"
        ordering = ["-iso_year", "-iso_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "iso_year", "iso_week"], name="schedule_week_unique"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="schedule_week_number"
            ),
            models.CheckConstraint(
                condition=Q(status=WeekStatus.DRAFT)
                | Q(version__gte=1, published_at__isnull=False),
                name="schedule_week_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Tuần {self.iso_week}/{self.iso_year} — {self.agency_id}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def revision(self) -> int:
        """N of "điều chỉnh lần N" (0 for the first issue or a never published week)."""
        return max(self.version - 1, 0)


class Entry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    week = models.ForeignKey(
        Week, on_delete=models.CASCADE, related_name="entries", verbose_name="tuần"
    )
    # The actions keep `day` inside the week (Monday to Sunday of week.iso_year/iso_week);
    # a database check cannot see the week's row, so the rule lives in actions.validate.
    day = models.DateField("ngày")
    start_time = models.TimeField("giờ bắt đầu")
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    content = models.TextField("nội dung")
    place = models.CharField("địa điểm", max_length=300, blank=True)
    chair_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chủ trì (lãnh đạo)",
    )
    chair_text = models.CharField("chủ trì (ghi tên)", max_length=200, blank=True)
    participants = models.TextField("thành phần", blank=True)
    preparing_department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị chuẩn bị",
    )
    preparing_text = models.CharField("đơn vị chuẩn bị (ghi tên)", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mục lịch công tác"
        verbose_name_plural = "mục lịch công tác"
        ordering = ["day", "start_time", "created_at"]
        indexes = [models.Index(fields=["week", "day", "start_time"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="schedule_entry_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(content=""), name="schedule_entry_content_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.start_time:%H:%M} {self.content[:40]}"
