"""Running a review circuit over a draft: sequential and parallel stages, returns with the
opinion kept on the version it judged, resubmission, and who may decide."""

from __future__ import annotations

import pytest

from tests import files
from tests.circuits.helpers import deputy_position, make_circuit
from tests.documents.helpers import advance, make_draft
from vanthu.audit.models import AuditEvent
from vanthu.circuits import actions
from vanthu.circuits.actions import StepSpec
from vanthu.circuits.models import Decision, Outcome, Review, ReviewTask
from vanthu.directory.models import Role
from vanthu.documents import actions as doc_actions
from vanthu.documents.models import DocumentType, ReviewComment, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed


def _submitted(world, **kwargs):
    doc = make_draft(world, recipients=[world.stc], **kwargs)
    return doc_actions.submit_draft(world.specialist_ubnd, doc)


def _pending(review):
    return list(review.tasks.filter(decision=Decision.PENDING))


def _events(doc):
    return list(
        AuditEvent.objects.filter(object_id=str(doc.public_id), action__startswith="circuits.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_sequential_chain_approves_in_order_and_ends_at_form_check(world):
    make_circuit(world)
    doc = _submitted(world)
    assert doc.status == Status.CONTENT_REVIEW
    review = Review.objects.get(document=doc)
    order = [
        (world.dept_leader_ubnd, "Lãnh đạo phòng đơn vị soạn thảo"),
        (world.deputy_ubnd, "Lãnh đạo cơ quan (Phó Chủ tịch)"),
        (world.leader_ubnd, "Trần Văn Chủ Tịch"),
    ]
    for number, (reviewer, label) in enumerate(order, start=1):
        (task,) = _pending(review)
        assert (task.stage, task.step_label, task.draft.version) == (number, label, 1)
        assert list(actions.pending_tasks_for(reviewer)) == [task]
        # Whoever comes later in the chain has nothing to decide yet.
        for later, _ in order[number:]:
            assert not actions.pending_tasks_for(later).exists()
            with pytest.raises(PermissionDenied):
                actions.decide(later, task, approve=True)
        doc.refresh_from_db()
        assert doc.status == Status.CONTENT_REVIEW
        actions.decide(reviewer, task, approve=True, opinion=f"Đồng ý bước {number}")

    doc.refresh_from_db()
    review.refresh_from_db()
    assert doc.status == Status.FORM_CHECK
    assert (review.outcome, review.finished_at is not None) == (Outcome.APPROVED, True)
    decided = list(review.tasks.values_list("decided_by__username", "decision", "opinion"))
    assert decided == [
        ("dept_leader_ubnd", "approved", "Đồng ý bước 1"),
        ("deputy_ubnd", "approved", "Đồng ý bước 2"),
        ("leader_ubnd", "approved", "Đồng ý bước 3"),
    ]
    assert _events(doc) == ["circuits.review_started"] + ["circuits.task_approved"] * 3
    last = AuditEvent.objects.filter(action="circuits.task_approved").order_by("id").last()
    assert (last.before["status"], last.after["status"]) == ("content_review", "form_check")
    assert last.actor == world.leader_ubnd
    # From here on the document follows the usual flow to issuance.
    doc = advance(world, doc, Status.ISSUED)
    assert doc.reference == "01/UBND-KT"


def test_a_parallel_stage_needs_all_its_reviewers(world):
    make_circuit(
        world,
        [
            StepSpec(role=Role.DEPARTMENT_LEADER, parallel_group=1),
            StepSpec(reviewer=world.specialist2_ubnd, parallel_group=1),
            StepSpec(reviewer=world.deputy_ubnd),
        ],
    )
    doc = _submitted(world)
    review = Review.objects.get(document=doc)
    first, second = _pending(review)
    assert (first.stage, second.stage) == (1, 1)

    actions.decide(world.specialist2_ubnd, second, approve=True, opinion="Đúng thẩm quyền.")
    review.refresh_from_db()
    assert review.stage == 1
    assert not actions.pending_tasks_for(world.deputy_ubnd).exists()
    # Each reviewer decides their own task only.
    with pytest.raises(PermissionDenied):
        actions.decide(world.specialist2_ubnd, first, approve=True)

    actions.decide(world.dept_leader_ubnd, first, approve=True)
    review.refresh_from_db()
    (third,) = _pending(review)
    assert (review.stage, third.stage, third.reviewer) == (2, 2, world.deputy_ubnd)
    actions.decide(world.deputy_ubnd, third, approve=True)
    doc.refresh_from_db()
    assert doc.status == Status.FORM_CHECK


def test_a_return_sends_the_draft_back_and_keeps_the_opinion_with_its_version(world):
    make_circuit(world)
    doc = _submitted(world)
    first_run = Review.objects.get(document=doc)
    (task,) = _pending(first_run)
    actions.decide(world.dept_leader_ubnd, task, approve=True)
    (task,) = _pending(first_run)

    with pytest.raises(ValidationFailed) as caught:
        actions.decide(world.deputy_ubnd, task, approve=False, opinion="  ")
    assert caught.value.errors == {"opinion": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."}
    task.refresh_from_db()
    assert task.decision == Decision.PENDING

    actions.decide(world.deputy_ubnd, task, approve=False, opinion="Bổ sung căn cứ pháp lý.")
    doc.refresh_from_db()
    first_run.refresh_from_db()
    assert doc.status == Status.DRAFT
    assert first_run.outcome == Outcome.RETURNED
    assert ReviewComment.objects.get(document=doc).text == "Bổ sung căn cứ pháp lý."
    returned = AuditEvent.objects.get(action="circuits.task_returned")
    assert returned.after["status"] == "draft"
    assert returned.note == "Lãnh đạo cơ quan (Phó Chủ tịch) — phiên bản 1: Bổ sung căn cứ pháp lý."

    # The drafter revises and resubmits: a new run from the first step, on version 2.
    doc_actions.replace_draft_file(
        world.specialist_ubnd, doc, "du-thao-2.pdf", files.pdf(["Dự thảo sửa lần 2"])
    )
    doc_actions.submit_draft(world.specialist_ubnd, doc)
    second_run = Review.objects.get(document=doc, finished_at__isnull=True)
    assert second_run.pk != first_run.pk
    (fresh,) = _pending(second_run)
    assert (fresh.stage, fresh.draft.version) == (1, 2)
    kept = ReviewTask.objects.get(review=first_run, decision=Decision.RETURNED)
    assert (kept.opinion, kept.draft.version) == ("Bổ sung căn cứ pháp lý.", 1)
    assert Review.objects.filter(document=doc).count() == 2


def test_a_return_in_a_parallel_stage_closes_the_other_tasks(world):
    make_circuit(
        world,
        [
            StepSpec(reviewer=world.deputy_ubnd, parallel_group=4),
            StepSpec(reviewer=world.leader_ubnd, parallel_group=4),
        ],
    )
    doc = _submitted(world)
    review = Review.objects.get(document=doc)
    deputy_task, leader_task = _pending(review)
    actions.decide(world.deputy_ubnd, deputy_task, approve=False, opinion="Chưa đồng ý.")
    leader_task.refresh_from_db()
    assert leader_task.decision == Decision.CLOSED
    assert not actions.pending_tasks_for(world.leader_ubnd).exists()
    with pytest.raises(InvalidTransition):
        actions.decide(world.leader_ubnd, leader_task, approve=True)
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT


@pytest.mark.parametrize(
    "persona",
    [
        "outsider",
        "specialist_ubnd",
        "specialist2_ubnd",
        "clerk_ubnd",
        "dept_leader_stc",
        "leader_stc",
    ],
)
def test_a_non_reviewer_cannot_decide(world, persona):
    make_circuit(world)
    doc = _submitted(world)
    (task,) = _pending(Review.objects.get(document=doc))
    with pytest.raises(PermissionDenied):
        actions.decide(getattr(world, persona), task, approve=True)
    with pytest.raises(PermissionDenied):
        doc_actions.review_content(getattr(world, persona), doc, approve=True)
    task.refresh_from_db()
    doc.refresh_from_db()
    assert (task.decision, doc.status) == (Decision.PENDING, Status.CONTENT_REVIEW)
    assert not AuditEvent.objects.filter(action__startswith="circuits.task_").exists()


def test_a_decided_task_cannot_be_decided_again(world):
    make_circuit(world)
    doc = _submitted(world)
    (task,) = _pending(Review.objects.get(document=doc))
    actions.decide(world.dept_leader_ubnd, task, approve=True)
    with pytest.raises(InvalidTransition):
        actions.decide(world.dept_leader_ubnd, task, approve=False, opinion="Đổi ý.")


def test_review_content_goes_through_the_circuit(world):
    make_circuit(world)
    doc = _submitted(world)
    # The deputy could take the built-in content check, but it is not his turn in the circuit.
    with pytest.raises(PermissionDenied) as caught:
        doc_actions.review_content(world.deputy_ubnd, doc, approve=True)
    assert "quy trình «Duyệt công văn»" in caught.value.message
    with pytest.raises(ValidationFailed) as returned:
        doc_actions.review_content(world.dept_leader_ubnd, doc, approve=False, comment="")
    assert "comment" in returned.value.errors
    doc_actions.review_content(world.dept_leader_ubnd, doc, approve=True, comment="Được.")
    assert doc.status == Status.CONTENT_REVIEW
    task = ReviewTask.objects.get(decision=Decision.APPROVED)
    assert (task.decided_by, task.opinion) == (world.dept_leader_ubnd, "Được.")


def test_without_a_circuit_the_old_flow_is_unchanged(world):
    # An inactive circuit and one for another document type do not apply to a công văn.
    make_circuit(world, active=False)
    make_circuit(world, name="Duyệt quyết định", types=[DocumentType.objects.get(code="QD")])
    doc = _submitted(world)
    assert doc.status == Status.CONTENT_REVIEW
    assert not Review.objects.exists()
    doc_actions.review_content(world.deputy_ubnd, doc, approve=True)
    assert doc.status == Status.FORM_CHECK
    assert not AuditEvent.objects.filter(action__startswith="circuits.task").exists()


def test_a_draft_without_department_skips_the_circuit(world):
    make_circuit(world)
    doc = make_draft(world, user=world.leader_ubnd, department=None)
    doc_actions.submit_draft(world.leader_ubnd, doc)
    assert doc.status == Status.FORM_CHECK
    assert not Review.objects.exists()


def test_a_circuit_nobody_can_staff_refuses_the_submission(world):
    # No deputy heads Phòng Kinh tế: nobody holds "department leader + Phó Chủ tịch".
    make_circuit(world, [StepSpec(role=Role.DEPARTMENT_LEADER, position=deputy_position())])
    doc = make_draft(world)
    with pytest.raises(ValidationFailed) as caught:
        doc_actions.submit_draft(world.specialist_ubnd, doc)
    assert "Không có ai đảm nhận bước" in caught.value.errors["circuit"]
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT
    assert not Review.objects.exists()
    assert not AuditEvent.objects.filter(action="document.submitted").exists()
