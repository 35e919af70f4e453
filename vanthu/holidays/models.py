"""One row per year the government decided on (compensatory days, swapped days, the Saturday
worked in exchange, the second Quốc khánh day), and its days. The statutory holidays
themselves (Tết from the lunar calendar, Giỗ Tổ, 1/1, 30/4, 1/5, 2/9) are derived by
vanthu.workdays and never entered."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class YearDecisionRecord(models.Model):
    year = models.PositiveSmallIntegerField("năm", unique=True)
    national_day_adjacent = models.DateField(
        "ngày nghỉ Quốc khánh thứ hai (1/9 hoặc 3/9)", null=True, blank=True
    )
    note = models.CharField("tóm tắt", max_length=500, blank=True)
    sources = models.TextField("căn cứ (mỗi dòng một văn bản)", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quyết định nghỉ lễ, Tết của năm"
        verbose_name_plural = "quyết định nghỉ lễ, Tết"
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class DecisionDay(models.Model):
    class Kind(models.TextChoices):
        OFF = "off", "Ngày nghỉ (nghỉ bù, hoán đổi)"
        WORKING = "working", "Ngày làm việc (làm bù)"

    decision = models.ForeignKey(YearDecisionRecord, on_delete=models.CASCADE, related_name="days")
    day = models.DateField("ngày")
    kind = models.CharField("loại", max_length=8, choices=Kind.choices)
    name = models.CharField("tên, lý do", max_length=200, blank=True)

    class Meta:
        verbose_name = "ngày theo quyết định"
        verbose_name_plural = "ngày theo quyết định"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "day"], name="decision_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"
