"""Review circuits: configuring them (agency leaders and administrators) and running them over
submitted drafts (start_review, decide). Every state change is atomic and audited.

This module must not import vanthu.documents.actions: that package imports us (submit_draft
starts a run, review_content hands over to decide), and importing it back would make the
import order decide whether the project starts. The document's status moves through the
small compare-and-set in _move_document instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.circuits.access import may_configure
from vanthu.circuits.models import (
    REVIEWER_ROLES,
    Circuit,
    CircuitStep,
    Decision,
    Outcome,
    Review,
    ReviewTask,
)
from vanthu.delegation.access import acting_for, delegations_in_force, principals_of
from vanthu.directory.models import Agency, Membership, Position, Role, User
from vanthu.documents.files import current_main
from vanthu.documents.models import Direction, Document, DocumentType, ReviewComment, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed

MAX_STEPS = 20

# --- configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One step as the configuration form gives it, in circuit order."""

    role: str = ""
    position: Position | None = None
    reviewer: User | None = None
    parallel_group: int | None = None


def stages_of(steps: list) -> list[list]:
    """Group steps (in order) into stages: consecutive steps with the same parallel group
    number form one stage; every other step is a stage of its own."""
    stages: list[list] = []
    previous_group = None
    for step in steps:
        group = step.parallel_group
        if group is not None and group == previous_group:
            stages[-1].append(step)
        else:
            stages.append([step])
        previous_group = group
    return stages


def _is_staff(user: User, agency: Agency) -> bool:
    return Membership.objects.current().filter(user=user, agency=agency).exists()


def check_steps(agency: Agency, steps: list[StepSpec]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not steps:
        return {"steps": "Quy trình phải có ít nhất một bước duyệt."}
    if len(steps) > MAX_STEPS:
        return {"steps": f"Quy trình có tối đa {MAX_STEPS} bước duyệt."}
    for number, step in enumerate(steps, start=1):
        if bool(step.role) == (step.reviewer is not None):
            errors["steps"] = (
                f"Bước {number}: chọn một vai trò hoặc một người duyệt (không chọn cả hai)."
            )
        elif step.role and step.role not in REVIEWER_ROLES:
            errors["steps"] = f"Bước {number}: vai trò người duyệt không hợp lệ."
        elif step.reviewer is not None and step.position is not None:
            errors["steps"] = f"Bước {number}: chức vụ chỉ dùng kèm một vai trò."
        elif step.reviewer is not None and not _is_staff(step.reviewer, agency):
            errors["steps"] = f"Bước {number}: {step.reviewer.full_name} không thuộc cơ quan này."
        if errors:
            return errors
    seen_groups: set[int] = set()
    for stage in stages_of(steps):
        group = stage[0].parallel_group
        if group is None:
            continue
        if group in seen_groups:
            return {"steps": f"Các bước của nhóm song song {group} phải liền nhau."}
        seen_groups.add(group)
        if len(stage) < 2:
            return {"steps": f"Nhóm song song {group} phải có ít nhất hai bước."}
        keys = [
            (s.role, getattr(s.position, "pk", None), getattr(s.reviewer, "pk", None))
            for s in stage
        ]
        if len(set(keys)) != len(keys):
            return {"steps": f"Nhóm song song {group} có hai bước trùng người duyệt."}
    return errors


def _check_circuit(agency: Agency, name: str, document_types, steps) -> str:
    name = name.strip()
    errors = check_steps(agency, steps)
    if not name:
        errors["name"] = "Chưa nhập tên quy trình."
    elif len(name) > 200:
        errors["name"] = "Tên quy trình dài tối đa 200 ký tự."
    if any(not isinstance(t, DocumentType) for t in document_types):
        errors["document_types"] = "Loại văn bản không hợp lệ."
    if errors:
        raise ValidationFailed(errors)
    return name


def _write_steps(circuit: Circuit, steps: list[StepSpec]) -> None:
    circuit.steps.all().delete()
    CircuitStep.objects.bulk_create(
        CircuitStep(
            circuit=circuit,
            order=order,
            parallel_group=s.parallel_group,
            role=s.role,
            position=s.position,
            reviewer=s.reviewer,
        )
        for order, s in enumerate(steps, start=1)
    )


def _describe(circuit: Circuit) -> dict:
    steps = list(circuit.steps.select_related("position", "reviewer"))
    return {
        "name": circuit.name,
        "active": circuit.active,
        "document_types": sorted(t.code for t in circuit.document_types.all()),
        "steps": [f"{s.order}. {s.label} [{s.mode}]" for s in steps],
    }


def _require_configure(user: User, agency: Agency) -> None:
    if not may_configure(user, agency):
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan hoặc quản trị mới được cấu hình quy trình duyệt."
        )


def create_circuit(
    user: User, agency: Agency, *, name: str, document_types=(), steps: list[StepSpec]
) -> Circuit:
    """A new circuit, inactive until someone activates it (activation checks overlaps)."""
    _require_configure(user, agency)
    name = _check_circuit(agency, name, list(document_types), steps)
    with transaction.atomic():
        circuit = Circuit.objects.create(agency=agency, name=name, created_by=user)
        circuit.document_types.set(document_types)
        _write_steps(circuit, steps)
        record_event(
            "circuits.created", circuit, actor=user, agency=agency, after=_describe(circuit)
        )
    return circuit


def update_circuit(
    user: User, circuit: Circuit, *, name: str, document_types=(), steps: list[StepSpec]
) -> Circuit:
    _require_configure(user, circuit.agency)
    name = _check_circuit(circuit.agency, name, list(document_types), steps)
    with transaction.atomic():
        circuit = Circuit.objects.select_for_update().get(pk=circuit.pk)
        # A running review walks the circuit's stages by number: changing them under it would
        # skip or repeat reviewers. Finished runs keep their own copy of each step (ReviewTask).
        running = circuit.reviews.filter(finished_at__isnull=True).count()
        if running:
            raise InvalidTransition(
                f"Quy trình đang được dùng để duyệt {running} dự thảo; chờ các lượt duyệt kết "
                "thúc hoặc tạo quy trình mới."
            )
        before = _describe(circuit)
        circuit.name = name
        circuit.save(update_fields=["name", "updated_at"])
        circuit.document_types.set(document_types)
        _write_steps(circuit, steps)
        if circuit.active:
            _check_no_overlap(circuit)
        record_event(
            "circuits.updated",
            circuit,
            actor=user,
            agency=circuit.agency,
            before=before,
            after=_describe(circuit),
        )
    return circuit


def _check_no_overlap(circuit: Circuit) -> None:
    """At most one active circuit applies to a document type, so which circuit a draft
    follows never depends on row order: one catch-all, and one per named type."""
    others = Circuit.objects.filter(agency_id=circuit.agency_id, active=True).exclude(pk=circuit.pk)
    types = set(circuit.document_types.values_list("pk", flat=True))
    if not types:
        clash = next((c for c in others if not c.document_types.exists()), None)
        if clash:
            raise ValidationFailed(
                {"active": f"Quy trình «{clash.name}» đang áp dụng cho mọi loại văn bản."}
            )
        return
    clash = others.filter(document_types__in=types).distinct().first()
    if clash:
        raise ValidationFailed(
            {"active": f"Quy trình «{clash.name}» đang áp dụng cho cùng loại văn bản."}
        )


def set_active(user: User, circuit: Circuit, active: bool) -> Circuit:
    """Activating affects the next submissions only; running reviews finish on their circuit."""
    _require_configure(user, circuit.agency)
    with transaction.atomic():
        circuit = Circuit.objects.select_for_update().get(pk=circuit.pk)
        if circuit.active == active:
            return circuit
        if active:
            if not circuit.steps.exists():
                raise ValidationFailed({"active": "Quy trình chưa có bước duyệt nào."})
            _check_no_overlap(circuit)
        circuit.active = active
        circuit.save(update_fields=["active", "updated_at"])
        record_event(
            "circuits.activated" if active else "circuits.deactivated",
            circuit,
            actor=user,
            agency=circuit.agency,
            before={"active": not active},
            after={"active": active},
        )
    return circuit


# --- running a review -----------------------------------------------------------------


def applicable_circuit(doc: Document) -> Circuit | None:
    """The active circuit a submitted draft follows, or None for the built-in single content
    check. Circuits replace the drafting department's content check, so a draft without a
    drafting department (a leader drafting himself) keeps going straight to the clerk."""
    if doc.direction != Direction.OUTGOING or not doc.drafting_department_id:
        return None
    active = Circuit.objects.filter(agency_id=doc.agency_id, active=True)
    specific = active.filter(document_types=doc.doc_type_id).first()
    return specific or active.filter(document_types__isnull=True).first()


def open_review_of(doc: Document) -> Review | None:
    return (
        Review.objects.filter(document=doc, finished_at__isnull=True)
        .select_related("circuit")
        .first()
    )


def _candidates(doc: Document, role: str, position_id: int | None):
    """The people who hold `role` for this draft today (its department's leaders, or the
    agency's leaders, optionally only those with the position)."""
    memberships = Membership.objects.current().filter(agency_id=doc.agency_id, role=role)
    if role == Role.DEPARTMENT_LEADER:
        memberships = memberships.filter(department_id=doc.drafting_department_id)
    if position_id:
        memberships = memberships.filter(position_id=position_id)
    return User.objects.filter(memberships__in=memberships, is_active=True).distinct()


def reviewers_of(task: ReviewTask):
    """Who may take this task (besides substitutes of a named reviewer)."""
    if task.role:
        return _candidates(task.review.document, task.role, task.position_id).exclude(
            pk=task.review.document.created_by_id
        )
    return User.objects.filter(pk=task.reviewer_id)


def _check_staffed(doc: Document, circuit: Circuit, steps: list[CircuitStep]) -> None:
    """Refuse the submission now rather than leave a draft waiting for nobody."""
    for step in steps:
        if step.reviewer_id:
            if step.reviewer_id == doc.created_by_id:
                raise ValidationFailed(
                    {
                        "circuit": f"Bước «{step.label}» của quy trình «{circuit.name}» là chính "
                        "người soạn thảo; đề nghị lãnh đạo sửa quy trình."
                    }
                )
            continue
        others = _candidates(doc, step.role, step.position_id).exclude(pk=doc.created_by_id)
        if not others.exists():
            raise ValidationFailed(
                {
                    "circuit": f"Không có ai đảm nhận bước «{step.label}» của quy trình "
                    f"«{circuit.name}»; đề nghị lãnh đạo cập nhật quy trình hoặc danh bạ."
                }
            )


def _open_stage(review: Review, steps: list[CircuitStep], doc: Document) -> list[ReviewTask]:
    draft = current_main(doc)
    return ReviewTask.objects.bulk_create(
        ReviewTask(
            review=review,
            step=step,
            stage=review.stage,
            step_label=step.label,
            role=step.role,
            position_id=step.position_id,
            reviewer_id=step.reviewer_id,
            draft=draft,
        )
        for step in steps
    )


# --- notifications ------------------------------------------------------------------------
# Reviewers hear of a stage when it opens; the drafter hears of a return (with the opinion)
# and of the end of the run. Called inside the transaction of the change they report.


def _notify(recipients, **message) -> None:
    from vanthu.notifications.actions import notify

    seen: set[int] = set()
    for person in recipients:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            notify(person, **message)


def _document_url(doc: Document) -> str:
    from django.urls import reverse

    return reverse("web:document_detail", args=[doc.public_id])


def _people_for(task: ReviewTask, doc: Document) -> list[User]:
    """Who can take `task` today: its named reviewer and whoever stands in for them (the
    delegation register), or everyone holding the step's role for this draft."""
    if task.reviewer_id is None:
        return list(_candidates(doc, task.role, task.position_id).exclude(pk=doc.created_by_id))
    substitutes = User.objects.filter(
        pk__in=delegations_in_force()
        .filter(principal_id=task.reviewer_id, power="handle")
        .values("delegate_id"),
        is_active=True,
    ).exclude(pk=doc.created_by_id)
    return [task.reviewer, *substitutes]


def _announce_stage(review: Review, tasks: list[ReviewTask], doc: Document, actor: User) -> None:
    version = tasks[0].draft.version if tasks and tasks[0].draft_id else None
    drafter = doc.created_by.full_name if doc.created_by_id else ""
    for task in tasks:
        body = f"Bước «{task.step_label}» của quy trình «{review.circuit.name}»"
        if version:
            body += f", phiên bản dự thảo {version}"
        if drafter:
            body += f". Người soạn thảo: {drafter}"
        _notify(
            _people_for(task, doc),
            kind="review",
            title=f"Dự thảo chờ ông/bà duyệt: {doc.subject}",
            body=body + ".",
            url=_document_url(doc),
            actor=actor,
        )


def _tell_drafter(doc: Document, actor: User, *, title: str, body: str) -> None:
    _notify(
        [doc.created_by] if doc.created_by_id else [],
        kind="review",
        title=title,
        body=body,
        url=_document_url(doc),
        actor=actor,
    )


def _state(doc: Document, review: Review | None = None) -> dict:
    state = {"status": doc.status, "subject": doc.subject}
    if review is not None:
        state["review"] = str(review.public_id)
        state["stage"] = review.stage
    return state


def start_review(user: User, doc: Document, circuit: Circuit | None = None) -> Review:
    """Open a run of the circuit over a draft just moved to content_review by submit_draft
    (call inside its transaction: a refusal here rolls the submission back)."""
    circuit = circuit or applicable_circuit(doc)
    if circuit is None:
        raise InvalidTransition("Không có quy trình duyệt nào áp dụng cho dự thảo này.")
    if doc.status != Status.CONTENT_REVIEW:
        raise InvalidTransition("Dự thảo chưa được trình, chưa thể bắt đầu quy trình duyệt.")
    steps = list(circuit.steps.select_related("position", "reviewer"))
    if not steps:
        raise InvalidTransition(f"Quy trình «{circuit.name}» chưa có bước duyệt nào.")
    _check_staffed(doc, circuit, steps)
    with transaction.atomic():
        try:
            with transaction.atomic():
                review = Review.objects.create(document=doc, circuit=circuit, started_by=user)
        except IntegrityError:
            raise InvalidTransition("Dự thảo đang được duyệt theo quy trình.") from None
        tasks = _open_stage(review, stages_of(steps)[0], doc)
        _announce_stage(review, tasks, doc, user)
        record_event(
            "circuits.review_started",
            doc,
            actor=user,
            agency=doc.agency,
            after=_state(doc, review),
            note=f"{circuit.name} — chờ: {', '.join(t.step_label for t in tasks)}",
        )
    return review


def _delegating_principal(user: User, task: ReviewTask) -> User | None:
    """The named reviewer `user` stands in for on this task today, if any (handling power)."""
    if task.reviewer_id is None or task.reviewer_id == user.pk:
        return None
    delegation = acting_for(user, task.reviewer, power="handle")
    return delegation.principal if delegation is not None else None


def may_decide(user: User, task: ReviewTask) -> bool:
    if not getattr(user, "is_authenticated", False) or task.decision != Decision.PENDING:
        return False
    if task.review.document.created_by_id == user.pk:
        return False  # nobody approves their own draft
    if task.reviewer_id == user.pk:
        return True
    if task.reviewer_id is not None:
        return _delegating_principal(user, task) is not None
    return reviewers_of(task).filter(pk=user.pk).exists()


def _move_document(doc: Document, to: str) -> None:
    # The same compare-and-set as documents.actions.common.transition (see the module
    # docstring for why it is not imported): of two concurrent moves, one wins.
    if Document.objects.filter(pk=doc.pk, status=Status.CONTENT_REVIEW).update(status=to) != 1:
        raise InvalidTransition("Văn bản vừa được người khác xử lý; hãy tải lại trang.")
    doc.status = to


def decide(user: User, task: ReviewTask, *, approve: bool, opinion: str = "") -> ReviewTask:
    """The reviewer's decision on their task. Approving closes the stage once all its tasks
    are approved and opens the next one; after the last stage the draft goes to the clerk's
    form check. Returning ends the run and sends the draft back to its drafter."""
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise ValidationFailed({"opinion": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."})
    with transaction.atomic():
        # Locking the run serialises the reviewers of a parallel stage: the last approval
        # sees all the others and is the one that advances.
        review = (
            Review.objects.select_for_update()
            .select_related("circuit", "document__agency")
            .get(pk=task.review_id)
        )
        task = ReviewTask.objects.select_related("reviewer").get(pk=task.pk)
        task.review = review
        doc = review.document
        if not review.is_open or task.decision != Decision.PENDING:
            raise InvalidTransition("Lượt duyệt này đã kết thúc hoặc đã có ý kiến.")
        if not may_decide(user, task):
            raise PermissionDenied("Bạn không phải người duyệt ở bước này của quy trình.")
        if doc.status != Status.CONTENT_REVIEW:
            raise InvalidTransition(
                f"Văn bản đang ở trạng thái «{doc.get_status_display()}», không thể duyệt."
            )
        principal = _delegating_principal(user, task)
        before = _state(doc, review)
        now = timezone.now()
        task.decision = Decision.APPROVED if approve else Decision.RETURNED
        task.opinion = opinion
        task.decided_at = now
        task.decided_by = user
        task.on_behalf_of = principal
        if task.reviewer_id is None:
            task.reviewer = user
        task.save(
            update_fields=[
                "decision",
                "opinion",
                "decided_at",
                "decided_by",
                "on_behalf_of",
                "reviewer",
            ]
        )
        if approve:
            _after_approval(review, doc, now, user)
        else:
            review.tasks.filter(decision=Decision.PENDING).update(decision=Decision.CLOSED)
            review.finished_at = now
            review.outcome = Outcome.RETURNED
            review.save(update_fields=["finished_at", "outcome"])
            _move_document(doc, Status.DRAFT)
            # The drafter reads the remark on the document page, as with the built-in check.
            ReviewComment.objects.create(document=doc, author=user, text=opinion)
            _tell_drafter(
                doc,
                user,
                title=f"Dự thảo bị trả lại để chỉnh sửa: {doc.subject}",
                body=f"{user.full_name or user.username} ({task.step_label}): {opinion}",
            )
        note = f"{task.step_label} — phiên bản {task.draft.version}"
        if opinion:
            note += f": {opinion}"
        record_event(
            "circuits.task_approved" if approve else "circuits.task_returned",
            doc,
            actor=user,
            agency=doc.agency,
            before=before,
            after=_state(doc, review),
            note=note,
            on_behalf_of=principal,
        )
    return task


def _after_approval(review: Review, doc: Document, now, actor: User) -> None:
    if review.tasks.filter(stage=review.stage, decision=Decision.PENDING).exists():
        return
    stages = stages_of(list(review.circuit.steps.select_related("position", "reviewer")))
    if review.stage < len(stages):
        review.stage += 1
        review.save(update_fields=["stage"])
        tasks = _open_stage(review, stages[review.stage - 1], doc)
        _announce_stage(review, tasks, doc, actor)
        return
    review.finished_at = now
    review.outcome = Outcome.APPROVED
    review.save(update_fields=["finished_at", "outcome"])
    # Exactly where the built-in content check's approval leads.
    _move_document(doc, Status.FORM_CHECK)
    _tell_drafter(
        doc,
        actor,
        title=f"Dự thảo đã được duyệt xong: {doc.subject}",
        body=f"Quy trình «{review.circuit.name}» đã hoàn tất; dự thảo chuyển văn thư "
        "kiểm tra thể thức.",
    )


def decide_on_document(user: User, doc: Document, *, approve: bool, opinion: str = "") -> Document:
    """review_content's path while a circuit runs: the user's own open task decides."""
    review = open_review_of(doc)
    if review is None:
        raise InvalidTransition("Dự thảo không được duyệt theo quy trình.")
    task = next((t for t in pending_tasks_of(review) if may_decide(user, t)), None)
    if task is None:
        raise PermissionDenied(
            f"Dự thảo đang được duyệt theo quy trình «{review.circuit.name}»; "
            "bạn không có lượt duyệt ở bước hiện tại."
        )
    if not approve and not (opinion or "").strip():
        # Reported on the document page's review form, whose field is "comment".
        raise ValidationFailed({"comment": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."})
    decide(user, task, approve=approve, opinion=opinion)
    doc.status = Document.objects.values_list("status", flat=True).get(pk=doc.pk)
    return doc


def pending_tasks_of(review: Review) -> list[ReviewTask]:
    return list(
        review.tasks.filter(decision=Decision.PENDING).select_related(
            "reviewer", "review__document", "draft"
        )
    )


def pending_tasks_for(user: User):
    """ "Chờ tôi duyệt": open tasks this user may decide — named ones, those of a leader they
    stand in for, and role steps they hold for the draft."""
    if not getattr(user, "is_authenticated", False):
        return ReviewTask.objects.none()
    from_delegation = acting_principals(user)
    mine = Q(reviewer=user) | Q(reviewer__in=from_delegation)
    for m in Membership.objects.current().filter(user=user, role__in=REVIEWER_ROLES):
        rule = Q(reviewer__isnull=True, role=m.role, review__document__agency_id=m.agency_id)
        if m.role == Role.DEPARTMENT_LEADER:
            rule &= Q(review__document__drafting_department_id=m.department_id)
        rule &= Q(position__isnull=True) | Q(position_id=m.position_id)
        mine |= rule
    return (
        ReviewTask.objects.filter(mine, decision=Decision.PENDING, review__finished_at__isnull=True)
        .exclude(review__document__created_by=user)
        .select_related(
            "review__document__doc_type",
            "review__document__agency",
            "review__circuit",
            "reviewer",
            "draft",
        )
        .order_by("created_at", "id")
    )


def acting_principals(user: User) -> list[User]:
    """Named reviewers this user stands in for today (delegation with the handling power)."""
    return principals_of(user, power="handle")
