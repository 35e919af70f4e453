"""The handling slip: who may fill it, what it accepts, and what it refuses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.processing.helpers import MONDAY, registered_at_ubnd
from vanthu.audit.models import AuditEvent
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Status
from vanthu.documents.numbering import VIETNAM, local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.processing.actions import assign
from vanthu.processing.models import Assignment

pytestmark = pytest.mark.django_db


def _assign(world, doc, **kwargs):
    options = {"lead": world.kt_ubnd, "due_on": date(2026, 3, 9), "now": MONDAY}
    options.update(kwargs)
    return assign(world.leader_ubnd, doc, **options)


def test_leader_assigns_lead_co_and_info_with_a_directive(world):
    doc = registered_at_ubnd(world)
    lines = _assign(
        world,
        doc,
        co=[world.specialist2_ubnd],
        info=[world.vp_ubnd],
        directive="Phòng Kinh tế chủ trì, tham mưu văn bản trả lời.",
    )
    assert [(a.role, a.assignee_name) for a in lines] == [
        ("lead", "Phòng Kinh tế"),
        ("co", "Đỗ Thị Hai"),
        ("info", "Văn phòng UBND tỉnh"),
    ]
    lead = lines[0]
    assert lead.due_on == date(2026, 3, 9)
    assert lead.directive.startswith("Phòng Kinh tế chủ trì")
    assert lines[2].due_on is None  # nhận để biết: nobody is reminded of reading
    doc.refresh_from_db()
    assert doc.status == Status.FORWARDED
    # The handlers see the document: the department's leader and the co-handler.
    assert documents_visible_to(world.dept_leader_ubnd).filter(pk=doc.pk).exists()
    assert documents_visible_to(world.specialist2_ubnd).filter(pk=doc.pk).exists()
    event = AuditEvent.objects.get(action="processing.assigned", object_id=str(doc.public_id))
    assert event.actor == world.leader_ubnd
    assert "Chủ trì: Phòng Kinh tế" in event.note and "hạn 09/03/2026" in event.note


def test_the_leader_the_document_was_presented_to_may_assign(world):
    doc = registered_at_ubnd(world)
    from vanthu.documents.actions import present_to_leader

    present_to_leader(world.clerk_ubnd, doc, world.deputy_ubnd)
    lines = assign(world.deputy_ubnd, doc, lead=world.specialist_ubnd, due_working_days=5)
    assert lines[0].assignee_user == world.specialist_ubnd


def test_it_refuses_someone_who_is_not_a_leader(world):
    doc = registered_at_ubnd(world)
    for user in (world.clerk_ubnd, world.dept_leader_ubnd, world.specialist_ubnd, world.leader_stc):
        with pytest.raises(PermissionDenied):
            assign(user, doc, lead=world.kt_ubnd)
    assert not Assignment.objects.exists()


def test_it_refuses_two_leads_or_none(world):
    doc = registered_at_ubnd(world)
    with pytest.raises(ValidationFailed) as two:
        _assign(world, doc, lead=[world.kt_ubnd, world.vp_ubnd])
    assert "đúng một" in two.value.errors["lead"]
    with pytest.raises(ValidationFailed) as none:
        _assign(world, doc, lead=None)
    assert "lead" in none.value.errors
    with pytest.raises(ValidationFailed):
        _assign(world, doc, lead=[])
    assert not Assignment.objects.exists()
    doc.refresh_from_db()
    assert doc.status == Status.REGISTERED


def test_it_refuses_a_second_slip_with_another_lead(world):
    doc = registered_at_ubnd(world)
    _assign(world, doc)
    with pytest.raises(ValidationFailed) as exc:
        _assign(world, doc, lead=world.vp_ubnd)
    assert "đã có" in exc.value.errors["lead"]
    assert Assignment.objects.count() == 1


def test_it_refuses_assignees_of_another_agency(world):
    doc = registered_at_ubnd(world)
    with pytest.raises(ValidationFailed) as dept:
        _assign(world, doc, lead=world.ns_stc)
    assert "không thuộc" in dept.value.errors["lead"]
    with pytest.raises(ValidationFailed) as person:
        _assign(world, doc, co=[world.specialist_stc])
    assert "không phải cán bộ" in person.value.errors["co"]
    with pytest.raises(ValidationFailed):
        _assign(world, doc, info=[world.outsider])
    with pytest.raises(ValidationFailed) as twice:
        _assign(world, doc, co=[world.kt_ubnd])
    assert "một vai trò" in twice.value.errors["assignees"]
    assert not Assignment.objects.exists()


def test_it_refuses_a_deadline_in_the_past(world):
    doc = registered_at_ubnd(world)
    with pytest.raises(ValidationFailed) as exc:
        assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_on=local_today() - timedelta(days=1))
    assert exc.value.errors["due_on"] == "Hạn xử lý không được trước ngày hôm nay."
    with pytest.raises(ValidationFailed) as both:
        _assign(world, doc, due_working_days=3)
    assert "không cả hai" in both.value.errors["due_on"]
    with pytest.raises(ValidationFailed):
        _assign(world, doc, due_on=None, due_working_days=0)
    assert not Assignment.objects.exists()


def test_it_refuses_documents_not_yet_registered(world):
    from tests.documents.helpers import arrived_at_stc

    arrived = arrived_at_stc(world)
    with pytest.raises(InvalidTransition):
        assign(world.leader_stc, arrived, lead=world.ns_stc)
    assert not Assignment.objects.exists()


def test_working_day_deadline_crosses_tet_2026(world):
    # Thursday 12/02/2026: Friday 13 is worked, then Tết (14–22/02) is off, so the third
    # working day is Tuesday 24/02.
    doc = registered_at_ubnd(world)
    thursday = datetime(2026, 2, 12, 9, 0, tzinfo=VIETNAM)
    lines = assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_working_days=3, now=thursday)
    assert lines[0].due_on == date(2026, 2, 24)


def test_working_days_after_the_cut_off_start_from_the_next_working_day(world):
    # Signed at 16:00 on Friday 13/02 (after the 15:00 cut-off): counting starts on Monday
    # 23/02, the first working day after Tết, so one working day ends on Tuesday 24/02.
    doc = registered_at_ubnd(world)
    friday_late = datetime(2026, 2, 13, 16, 0, tzinfo=VIETNAM)
    lines = assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_working_days=1, now=friday_late)
    assert lines[0].due_on == date(2026, 2, 24)


def test_secret_documents_go_to_named_people_only(world):
    doc = registered_at_ubnd(world, secrecy="confidential")
    with pytest.raises(ValidationFailed) as exc:
        _assign(world, doc)
    assert "đích danh" in exc.value.errors["lead"]
    _assign(world, doc, lead=world.specialist_ubnd)
    assert doc.named_readers.filter(pk=world.specialist_ubnd.pk).exists()
