"""What the sweep tells whom: one precise message for one line, one digest per person for
several, the assigner told of overdue work with one audit event per line, the e-mail outbox
as each person's preferences allow — all written in bulk."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from tests.processing.helpers import MONDAY, registered_at_ubnd
from vanthu.audit.models import AuditEvent
from vanthu.documents.numbering import VIETNAM
from vanthu.notifications.actions import update_preferences
from vanthu.notifications.models import Notification, OutboxMessage
from vanthu.processing.actions import assign, reassign
from vanthu.processing.sweep import sweep_due

pytestmark = pytest.mark.django_db

REMIND_DAY = datetime(2026, 3, 2, 7, 0, tzinfo=VIETNAM)  # a Monday; due 03/03 is "soon"
LATE_DAY = datetime(2026, 3, 10, 7, 0, tzinfo=VIETNAM)


def _slip(world, lead, due_on=date(2026, 3, 3), **kwargs):
    doc = registered_at_ubnd(world)
    return assign(world.leader_ubnd, doc, lead=lead, due_on=due_on, now=MONDAY, **kwargs)


def _ref(line) -> str:
    doc = line.document
    return f"{doc.reference} (số đến {doc.arrival_number:02d})"


def test_one_line_gets_a_message_naming_it(world):
    (line,) = _slip(world, world.specialist_ubnd)
    Notification.objects.all().delete()  # the assignment's own message

    result = sweep_due(now=REMIND_DAY)

    assert (result.reminded, result.notified) == (1, 1)
    note = Notification.objects.get()
    assert note.recipient == world.specialist_ubnd and note.kind == "reminder"
    assert note.title == f"Sắp đến hạn (03/03/2026): văn bản {_ref(line)}"
    assert note.body == f"Chủ trì: {line.document.subject}"
    assert note.url == reverse("processing:assignment_detail", args=[line.public_id])


def test_several_lines_make_one_digest_per_person(world):
    lines = [_slip(world, world.specialist_ubnd, due_on=date(2026, 3, 3))[0] for _ in range(6)]
    lines.insert(0, _slip(world, world.specialist_ubnd, due_on=date(2026, 3, 2))[0])
    Notification.objects.all().delete()

    result = sweep_due(now=REMIND_DAY)

    assert (result.reminded, result.notified) == (7, 1)
    note = Notification.objects.get()
    assert note.kind == "processing.reminder"
    assert note.title == "Sắp đến hạn: 7 việc, sớm nhất ngày 02/03/2026"
    listed = note.body.splitlines()
    assert listed[0] == f"- {_ref(lines[0])}, hạn 02/03/2026: {lines[0].document.subject}"
    assert len(listed) == 6 and listed[-1] == "… và 2 việc khác."
    assert note.url == reverse("processing:my_tasks")


def test_a_departments_line_reaches_its_leader(world):
    _slip(world, world.kt_ubnd)
    Notification.objects.all().delete()
    sweep_due(now=REMIND_DAY)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("dept_leader_ubnd", "reminder")
    ]


def test_overdue_work_goes_to_the_assigner_with_one_event_per_line(world):
    first = _slip(world, world.kt_ubnd)[0]
    second = _slip(world, world.specialist_ubnd, due_on=date(2026, 3, 4))[0]
    Notification.objects.all().delete()

    result = sweep_due(now=LATE_DAY)

    assert (result.escalated, result.notified) == (2, 1)
    note = Notification.objects.get()
    assert note.recipient == world.leader_ubnd and note.kind == "processing.escalated"
    assert note.title == "Quá hạn: 2 việc đã giao chưa xong"
    assert note.body.splitlines() == [
        f"Phòng Kinh tế: {first.document.reference}",
        f"Hoàng Văn Chuyên: {second.document.reference}",
    ]
    # An agency leader is sent to the overdue list.
    assert note.url == reverse("processing:overdue")
    events = AuditEvent.objects.filter(action="processing.escalated").order_by("id")
    assert [(e.object_type, e.object_id, e.agency_id) for e in events] == [
        ("documents.document", str(first.document.public_id), world.ubnd.pk),
        ("documents.document", str(second.document.public_id), world.ubnd.pk),
    ]
    assert [e.note for e in events] == [
        "Phòng Kinh tế (Chủ trì) quá hạn 03/03/2026; đã báo Trần Văn Chủ Tịch",
        "Hoàng Văn Chuyên (Chủ trì) quá hạn 04/03/2026; đã báo Trần Văn Chủ Tịch",
    ]
    assert all(e.actor_id is None for e in events)


def test_a_department_leader_who_reassigned_is_sent_to_the_line(world):
    (line,) = _slip(world, world.kt_ubnd, due_on=date(2026, 3, 4))
    (child,) = reassign(world.dept_leader_ubnd, line, lead=world.specialist_ubnd)  # same date
    Notification.objects.all().delete()

    sweep_due(now=LATE_DAY)

    note = Notification.objects.get(recipient=world.dept_leader_ubnd)
    assert note.kind == "overdue"
    assert note.title == f"Quá hạn: văn bản {_ref(child)} — Hoàng Văn Chuyên"
    assert note.body == f"Chủ trì: Hoàng Văn Chuyên, hạn 04/03/2026.\n{child.document.subject}"
    assert note.url == reverse("processing:assignment_detail", args=[child.public_id])


def test_the_email_outbox_follows_each_persons_preferences(settings, world):
    settings.VANTHU_EMAIL_ENABLED = True
    _slip(world, world.specialist_ubnd)
    _slip(world, world.kt_ubnd)
    update_preferences(
        world.dept_leader_ubnd,
        email_enabled=True,
        sms_enabled=False,
        sms_phone="",
        digest_enabled=False,
        muted={"email": ["reminder"]},
    )
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()

    sweep_due(now=REMIND_DAY)

    assert Notification.objects.count() == 2
    (mail,) = OutboxMessage.objects.all()
    assert (mail.channel, mail.address) == ("email", "specialist_ubnd@example.gov.vn")
    assert mail.notification.recipient == world.specialist_ubnd
    assert mail.payload["subject"].startswith("[VanThu] Sắp đến hạn (03/03/2026)")


def test_the_statements_do_not_grow_with_the_lines(world, django_assert_max_num_queries):
    for _ in range(12):
        _slip(world, world.specialist_ubnd)
        _slip(world, world.kt_ubnd, due_on=date(2026, 3, 4))
    # Remind 24 lines, then escalate all 24 a week later: a fixed number of statements
    # (reads, stamps, notifications, outbox, audit, savepoints), not one per line.
    with django_assert_max_num_queries(20):
        assert sweep_due(now=REMIND_DAY).reminded == 12
    with django_assert_max_num_queries(20):
        assert sweep_due(now=LATE_DAY).escalated == 24
