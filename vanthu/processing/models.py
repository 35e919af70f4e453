"""Assignments of incoming documents (phiếu giải quyết văn bản đến) and their progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    CO = "co", "Phối hợp"
    INFO = "info", "Nhận để biết"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", "Chưa xử lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã hoàn thành"
    CANCELLED = "cancelled", "Đã hủy"


# The statuses of work still to be done: the ones lists, counts and the sweep look at.
OPEN_STATUSES = (AssignmentStatus.OPEN, AssignmentStatus.IN_PROGRESS)


class Assignment(models.Model):
    """One line of a handling slip: who handles an incoming document, in which role, by when.

    Re-assignment inside a department makes child lines (`parent`), so the slip the agency
    leader signed stays as it was and the department's own split is recorded beneath it.
    """

    Role = AssignmentRole
    Status = AssignmentStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="assignments"
    )
    # Copied from the document: the leader's overdue list filters on it without a join.
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("vai trò", max_length=8, choices=AssignmentRole.choices)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name="người được giao",
    )
    assignee_department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name="đơn vị được giao",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The absent leader a substitute assigned for (delegation register); null otherwise.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    due_on = models.DateField("hạn xử lý", null=True, blank=True)
    directive = models.TextField("ý kiến chỉ đạo", blank=True)
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    result_note = models.TextField("kết quả xử lý", blank=True)
    result_document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="văn bản trả lời",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The sweep's memory, so that running it twice sends nothing twice: the (Vietnamese)
    # day the assignee was last reminded, and when the overdue item went to the assigner.
    reminded_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_user__isnull=False, assignee_department__isnull=True)
                | Q(assignee_user__isnull=True, assignee_department__isnull=False),
                name="assignment_one_assignee",
            ),
        ]
        indexes = [
            # The reminder sweep: open work due within a few days (a short range per status).
            models.Index(fields=["status", "due_on"], name="assignment_status_due_idx"),
            # "Việc của tôi": one person's open work, already in due-date order.
            models.Index(
                fields=["assignee_user", "status", "due_on"], name="assignment_user_status_idx"
            ),
            models.Index(
                fields=["assignee_department", "status", "due_on"],
                name="assignment_dept_status_idx",
            ),
            # The leader's overdue list: one agency's open work past its date.
            models.Index(fields=["agency", "status", "due_on"], name="assignment_agency_due_idx"),
            # Escalation looks only at open, overdue, not yet escalated rows: a partial index
            # keeps the sweep from walking the (large, growing) set already escalated.
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "in_progress"], escalated_at__isnull=True),
                name="assignment_to_escalate_idx",
            ),
            # Open work only, in list order: the pages read one page of rows, not all the
            # person's or agency's history (measured at 3M lines: 56–79 ms → under 1 ms).
            models.Index(
                fields=["assignee_user", "due_on", "id"],
                condition=Q(status__in=["open", "in_progress"]),
                name="assignment_open_user_idx",
            ),
            models.Index(
                fields=["assignee_department", "due_on", "id"],
                condition=Q(status__in=["open", "in_progress"]),
                name="assignment_open_dept_idx",
            ),
            models.Index(
                fields=["agency", "due_on", "id"],
                condition=Q(status__in=["open", "in_progress"]),
                name="assignment_open_agency_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_name}"

    @property
    def assignee_name(self) -> str:
        if self.assignee_user_id:
            return self.assignee_user.full_name or self.assignee_user.username
        return self.assignee_department.name if self.assignee_department_id else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProgressNote(models.Model):
    """A line of progress an assignee writes while handling (tiến độ giải quyết)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
