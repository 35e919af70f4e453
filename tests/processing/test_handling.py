"""Re-assignment inside a department, progress notes and completion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.documents.helpers import make_issued
from tests.processing.helpers import MONDAY, registered_at_ubnd
from vanthu.audit.models import AuditEvent
from vanthu.documents.numbering import local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.processing.actions import add_progress, assign, complete, reassign
from vanthu.processing.models import Assignment, ProgressNote

pytestmark = pytest.mark.django_db


def _slip(world, **kwargs):
    doc = registered_at_ubnd(world)
    due = local_today() + timedelta(days=10)
    options = {"lead": world.kt_ubnd, "co": [world.specialist2_ubnd], "due_on": due}
    options.update(kwargs)
    return doc, assign(world.leader_ubnd, doc, **options)


def test_department_leader_reassigns_within_the_department(world):
    doc, (lead, _co) = _slip(world)
    children = reassign(
        world.dept_leader_ubnd,
        lead,
        lead=world.specialist_ubnd,
        due_on=lead.due_on - timedelta(days=2),
        directive="Anh Chuyên dự thảo văn bản trả lời.",
    )
    child = children[0]
    assert child.parent == lead and child.assignee_user == world.specialist_ubnd
    assert child.due_on == lead.due_on - timedelta(days=2)
    assert AuditEvent.objects.filter(action="processing.reassigned").count() == 1
    from vanthu.documents.access import documents_visible_to

    assert documents_visible_to(world.specialist_ubnd).filter(pk=doc.pk).exists()


def test_only_the_department_leader_may_reassign(world):
    _doc, (lead, co) = _slip(world)
    for user in (world.specialist_ubnd, world.leader_ubnd, world.dept_leader_stc):
        with pytest.raises(PermissionDenied):
            reassign(user, lead, lead=world.specialist_ubnd)
    # The co-handler line is a person outside any department the leader leads.
    with pytest.raises(PermissionDenied):
        reassign(world.dept_leader_ubnd, co, lead=world.specialist_ubnd)
    assert not Assignment.objects.filter(parent__isnull=False).exists()


def test_reassignment_stays_inside_the_department_and_the_deadline(world):
    _doc, (lead, _co) = _slip(world)
    with pytest.raises(ValidationFailed) as outside:
        reassign(world.dept_leader_ubnd, lead, lead=world.specialist2_ubnd)  # Văn phòng
    assert "phòng, ban của bạn" in outside.value.errors["lead"]
    with pytest.raises(ValidationFailed) as dept:
        reassign(world.dept_leader_ubnd, lead, lead=world.kt_ubnd)
    assert "cán bộ trong phòng" in dept.value.errors["lead"]
    with pytest.raises(ValidationFailed) as late:
        reassign(
            world.dept_leader_ubnd,
            lead,
            lead=world.specialist_ubnd,
            due_on=lead.due_on + timedelta(days=1),
        )
    assert "không được sau hạn" in late.value.errors["due_on"]
    assert not Assignment.objects.filter(parent__isnull=False).exists()


def test_progress_moves_the_line_and_its_parent_to_in_progress(world):
    _doc, (lead, _co) = _slip(world)
    (child,) = reassign(world.dept_leader_ubnd, lead, lead=world.specialist_ubnd)
    add_progress(world.specialist_ubnd, child, "Đã làm việc với Sở Tài chính.")
    child.refresh_from_db()
    lead.refresh_from_db()
    assert child.status == lead.status == "in_progress"
    assert ProgressNote.objects.get().author == world.specialist_ubnd
    with pytest.raises(ValidationFailed):
        add_progress(world.specialist_ubnd, child, "   ")
    with pytest.raises(PermissionDenied):
        add_progress(world.specialist2_ubnd, child, "Không phải việc của tôi")
    assert ProgressNote.objects.count() == 1


def test_completing_the_child_lead_completes_the_document_handling(world):
    doc, (lead, co, _info) = _slip(world, info=[world.vp_ubnd])
    (child,) = reassign(world.dept_leader_ubnd, lead, lead=world.specialist_ubnd)
    reply = make_issued(world)
    complete(
        world.specialist_ubnd,
        child,
        result_note="Đã có văn bản trả lời.",
        result_document=reply,
    )
    statuses = dict(Assignment.objects.values_list("pk", "status"))
    assert set(statuses.values()) == {"done"}
    lead.refresh_from_db()
    assert lead.result_document == reply and lead.completed_by == world.specialist_ubnd
    co.refresh_from_db()
    assert "đã hoàn thành" in co.result_note
    event = AuditEvent.objects.get(action="processing.completed")
    assert "văn bản đã giải quyết xong" in event.note and reply.reference in event.note


def test_complete_is_refused_to_someone_not_assigned(world):
    _doc, (lead, co) = _slip(world)
    for user in (world.specialist_ubnd, world.leader_ubnd, world.clerk_ubnd):
        with pytest.raises(PermissionDenied):
            complete(user, lead, result_note="Xong")
    with pytest.raises(ValidationFailed) as empty:
        complete(world.specialist2_ubnd, co, result_note="")
    assert "kết quả" in empty.value.errors["result_note"]
    assert not Assignment.objects.filter(status="done").exists()


def test_a_co_handler_finishes_only_their_part(world):
    _doc, (lead, co) = _slip(world)
    complete(world.specialist2_ubnd, co, result_note="Đã góp ý bằng văn bản.")
    lead.refresh_from_db()
    assert lead.status == "open"
    with pytest.raises(InvalidTransition):
        complete(world.specialist2_ubnd, co, result_note="Lần nữa")


def test_result_document_must_be_visible_and_of_the_agency(world):
    _doc, (lead, _co) = _slip(world, lead=world.specialist_ubnd)
    elsewhere = make_issued(
        world,
        user=world.specialist_stc,
        agency=world.stc,
        department=world.ns_stc,
        signer=world.leader_stc,
    )
    with pytest.raises(ValidationFailed) as exc:
        complete(world.specialist_ubnd, lead, result_note="Xong", result_document=elsewhere)
    assert "result_document" in exc.value.errors
    lead.refresh_from_db()
    assert lead.status == "open"


def test_deadline_may_be_a_date_today(world):
    doc = registered_at_ubnd(world)
    lines = assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_on=date(2026, 3, 2), now=MONDAY)
    assert lines[0].due_on == date(2026, 3, 2)
