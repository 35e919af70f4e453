"""Work files (hồ sơ công việc, Decree 30/2020 Ch. IV): the folder a specialist opens for a
task, gathers the task's documents, drafts and opinions in, and closes when the task ends.

The documents themselves stay in the documents app; a work file only points at them, so a
document may sit in several files (the incoming request in the specialist's file and in the
department's follow-up file) while appearing once in each.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class WorkFileStatus(models.TextChoices):
    OPEN = "open", "Đang giải quyết"
    CLOSED = "closed", "Đã kết thúc"


class WorkFile(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="work_files"
    )
    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.PROTECT,
        related_name="work_files",
        verbose_name="đơn vị",
    )
    # Số và ký hiệu hồ sơ from the agency's danh mục hồ sơ, e.g. "KT-2026-05" or "01.TCCB".
    code = models.CharField("số và ký hiệu hồ sơ", max_length=30)
    title = models.CharField("tiêu đề hồ sơ", max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_files",
        verbose_name="người lập hồ sơ",
    )
    status = models.CharField(
        max_length=10, choices=WorkFileStatus.choices, default=WorkFileStatus.OPEN
    )
    # Thời hạn bảo quản: "Vĩnh viễn" or a number of years ("10 năm"), as the file plan says.
    retention = models.CharField("thời hạn bảo quản", max_length=50, blank=True)
    note = models.TextField("ghi chú", blank=True)
    opened_at = models.DateTimeField("ngày mở hồ sơ")
    closed_at = models.DateTimeField("ngày kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "hồ sơ công việc"
        verbose_name_plural = "hồ sơ công việc"
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="workfile_code_unique")
        ]
        indexes = [
            # "My work files" and "my department's" lists, newest first, per status.
            models.Index(fields=["owner", "status", "-opened_at"], name="workfile_owner_idx"),
            models.Index(
                fields=["department", "status", "-opened_at"], name="workfile_department_idx"
            ),
            models.Index(fields=["agency", "status", "-opened_at"], name="workfile_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status == WorkFileStatus.OPEN


class ItemKind(models.TextChoices):
    INCOMING = "incoming", "Văn bản đến"
    DRAFT = "draft", "Dự thảo"
    OUTGOING = "outgoing", "Văn bản đi"
    OPINION = "opinion", "Ý kiến"
    NOTE = "note", "Ghi chú"


DOCUMENT_KINDS = {ItemKind.INCOMING, ItemKind.DRAFT, ItemKind.OUTGOING}


class WorkFileItem(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    work_file = models.ForeignKey(WorkFile, on_delete=models.CASCADE, related_name="items")
    # SET_NULL, not PROTECT: a recalled incoming copy is destroyed (Decree 30 Appendix VI) and
    # the file must not block that; the item stays as a trace that something was there.
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_file_items",
    )
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    text = models.TextField("nội dung", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_file", "document"],
                condition=models.Q(document__isnull=False),
                name="workfile_document_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_file_id}: {self.kind}"

    @property
    def current_kind(self) -> str:
        # A draft filed early and issued later is the outgoing document now.
        doc = self.document
        if self.kind == ItemKind.DRAFT and doc is not None and doc.status == "issued":
            return ItemKind.OUTGOING
        return self.kind


class ReplyLink(models.Model):
    """An outgoing document (draft or issued) answering an incoming one: edXML ResponseFor."""

    reply = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="responds_to_links"
    )
    answers = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="answered_by_links"
    )
    # The file the link was made in; links outlive the file's items (exchange reads them).
    work_file = models.ForeignKey(
        WorkFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="reply_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "answers"], name="reply_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reply_id} → {self.answers_id}"
