"""Review circuits (quy trình duyệt dự thảo): per agency, an ordered list of review steps a
draft goes through before the clerk checks its form. Consecutive steps sharing a parallel
group number form one stage that needs every one of its reviewers.

A run of a circuit over one submission is a Review; each reviewer's turn is a ReviewTask that
records the draft version it was about, so opinions stay attached to the text they judged
even after the drafter uploads a new version. A return ends the run; a resubmission starts a
new one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from vanthu.directory.models import Role

# Roles a step may name. They resolve against the draft: the department leader of the
# drafting department, or a leader of the agency (optionally only those holding a position,
# e.g. "Phó Chủ tịch" — the directory has one leader role and tells deputies by position).
REVIEWER_ROLES = (Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER)


class Circuit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="circuits",
        verbose_name="cơ quan",
    )
    name = models.CharField("tên quy trình", max_length=200)
    # Empty means every document type of the agency; an active circuit naming the draft's type
    # wins over an active catch-all one.
    document_types = models.ManyToManyField(
        "documents.DocumentType", blank=True, related_name="+", verbose_name="áp dụng cho loại"
    )
    active = models.BooleanField("đang áp dụng", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quy trình duyệt"
        verbose_name_plural = "quy trình duyệt"
        ordering = ["agency", "name"]
        indexes = [models.Index(fields=["agency", "active"])]

    def __str__(self) -> str:
        return self.name


class CircuitStep(models.Model):
    circuit = models.ForeignKey(Circuit, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("thứ tự")
    # None: a sequential step of its own. A number: consecutive steps with the same number are
    # reviewed in parallel and all must approve before the circuit moves on.
    parallel_group = models.PositiveSmallIntegerField("nhóm song song", null=True, blank=True)
    role = models.CharField(
        "vai trò người duyệt",
        max_length=32,
        blank=True,
        choices=[(r.value, r.label) for r in REVIEWER_ROLES],
    )
    position = models.ForeignKey(
        "directory.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="chức vụ",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người duyệt",
    )

    class Meta:
        ordering = ["circuit", "order"]
        constraints = [
            models.UniqueConstraint(fields=["circuit", "order"], name="circuit_step_order_unique"),
            # Exactly one of: a role, or a named person.
            models.CheckConstraint(
                condition=(Q(role="") & Q(reviewer__isnull=False))
                | (~Q(role="") & Q(reviewer__isnull=True)),
                name="circuit_step_role_xor_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.label}"

    @property
    def mode(self) -> str:
        return "sequential" if self.parallel_group is None else f"parallel:{self.parallel_group}"

    @property
    def label(self) -> str:
        if self.reviewer_id:
            return self.reviewer.full_name
        text = self.get_role_display()
        if self.role == Role.DEPARTMENT_LEADER:
            text += " đơn vị soạn thảo"
        return f"{text} ({self.position.name})" if self.position_id else text


class Outcome(models.TextChoices):
    APPROVED = "approved", "Đã duyệt xong"
    RETURNED = "returned", "Trả lại để sửa"


class Review(models.Model):
    """One run of a circuit over one submission of a draft."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="circuit_reviews"
    )
    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="reviews")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # The 1-based stage whose tasks are open; stages are computed from the circuit's steps,
    # which cannot change while a run is open (see actions.save_circuit).
    stage = models.PositiveSmallIntegerField(default=1)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["document", "started_at", "id"]
        constraints = [
            # One running review per draft: a double submission cannot start two runs.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(finished_at__isnull=True),
                name="one_open_review_per_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.circuit} — {self.document_id} ({self.outcome or 'đang duyệt'})"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class Decision(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"
    APPROVED = "approved", "Đồng ý"
    RETURNED = "returned", "Trả lại"
    # A parallel sibling still pending when another reviewer returned the draft: the run
    # ended without this reviewer's decision.
    CLOSED = "closed", "Không cần duyệt (lượt duyệt đã kết thúc)"


class ReviewTask(models.Model):
    """One reviewer's turn in a run. The reviewer rule is copied from the step so that the
    record of a finished run stays true after the circuit is edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(
        CircuitStep, null=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    stage = models.PositiveSmallIntegerField()
    step_label = models.CharField(max_length=300)
    role = models.CharField(max_length=32, blank=True)
    position = models.ForeignKey(
        "directory.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The named reviewer; for a role step, empty until one of the role's holders decides.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_tasks",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a substitute decided for the named reviewer under a delegation.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    draft = models.ForeignKey(
        "documents.FileVersion", on_delete=models.PROTECT, related_name="review_tasks"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    opinion = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "stage", "id"]
        indexes = [
            # "Chờ tôi duyệt": the pending tasks of named reviewers.
            models.Index(fields=["reviewer", "decision"], name="reviewtask_reviewer_idx"),
            models.Index(fields=["decision", "role"], name="reviewtask_pending_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.step_label}: {self.get_decision_display()}"
