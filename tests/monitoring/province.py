"""A small province with one case of each monitoring indicator, made through the actions.

The period is April–May 2026. Its calendar: Giỗ Tổ fell on Sunday 26 April and was made up
on Monday 27; 30 April and 1 May are holidays (Thursday, Friday). The actions stamp "now";
the moments of the period are then written onto the rows with queryset updates (arrival,
registration and issue times), which is what a clerk working on those days would have left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from tests.documents.helpers import arrived_at_stc, make_issued, register
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import current_main
from vanthu.documents.models import Document
from vanthu.monitoring.period import VN
from vanthu.monitoring.queries import assignment_model
from vanthu.signing.actions import check_signatures

PERIOD = {"from": "2026-04-01", "to": "2026-05-31"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


def set_arrival(doc: Document, moment: datetime) -> None:
    Document.objects.filter(pk=doc.pk).update(arrived_at=moment)


def set_registration(doc: Document, moment: datetime) -> None:
    AuditEvent.objects.filter(
        object_type="documents.document", object_id=str(doc.public_id), action="document.registered"
    ).update(at=moment)
    Document.objects.filter(pk=doc.pk).update(registered_at=moment)


def set_issue(doc: Document, moment: datetime) -> None:
    Document.objects.filter(pk=doc.pk).update(issued_at=moment)


@dataclass
class Province:
    late_weekend: Document  # arrived Fri 24/4, registered Wed 29/4: late
    late_holiday: Document  # arrived Wed 29/4, registered Tue 5/5 (30/4, 1/5 off): late
    on_time: Document  # arrived Fri 24/4 16:00, registered Tue 28/4 (27/4 off): on time
    left_at_01: Document  # arrived Mon 20/4, never registered
    paper: Document
    electronic: Document
    unsigned: Document  # issued, checked: no signature at all
    unchecked: Document  # issued, never checked
    overdue: object | None  # an assignment past its date, when the model exists


def _arrival(world, subject: str, arrived: datetime, registered: datetime | None) -> Document:
    doc = arrived_at_stc(world, subject=subject)
    set_arrival(doc, arrived)
    if registered is not None:
        actions.accept_arrival(world.clerk_stc, Document.objects.get(pk=doc.pk))
        set_registration(doc, registered)
    return Document.objects.get(pk=doc.pk)


def build_province(world) -> Province:
    late_weekend = _arrival(
        world, "Về việc kiểm tra quỹ tiền lương", at(date(2026, 4, 24), 9), at(date(2026, 4, 29), 8)
    )
    late_holiday = _arrival(
        world, "Về việc quyết toán vốn đầu tư", at(date(2026, 4, 29), 10), at(date(2026, 5, 5), 9)
    )
    on_time = _arrival(
        world, "Về việc mua sắm tài sản công", at(date(2026, 4, 24), 16), at(date(2026, 4, 28), 16)
    )
    left_at_01 = _arrival(world, "Về việc thanh tra ngân sách xã", at(date(2026, 4, 20), 9), None)

    paper = register(world, channel="paper", number_text="21")
    set_arrival(paper, at(date(2026, 4, 10), 9))
    electronic = register(world, channel="electronic", number_text="22")
    set_arrival(electronic, at(date(2026, 4, 10), 10))

    unsigned = make_issued(world, subject="Về việc giao dự toán bổ sung")
    set_issue(unsigned, at(date(2026, 4, 15), 10))
    check_signatures(current_main(unsigned))
    unchecked = make_issued(world, subject="Về việc điều chỉnh kế hoạch vốn")
    set_issue(unchecked, at(date(2026, 4, 16), 10))

    overdue = None
    model = assignment_model()
    if model is not None:
        fields = {f.name for f in model._meta.concrete_fields}
        extra = {"agency": late_holiday.agency} if "agency" in fields else {}
        overdue = model.objects.create(
            document=late_holiday,
            role="lead",
            assignee_user=world.specialist_stc,
            assigned_by=world.leader_stc,
            due_on=date(2026, 5, 8),
            status="open",
            **extra,
        )
        model.objects.create(  # finished on its due date: not overdue
            document=on_time,
            role="lead",
            assignee_user=world.specialist_stc,
            assigned_by=world.leader_stc,
            due_on=date(2026, 5, 8),
            status="done",
            completed_at=at(date(2026, 5, 8), 16),
            **extra,
        )
    return Province(
        late_weekend,
        late_holiday,
        on_time,
        left_at_01,
        Document.objects.get(pk=paper.pk),
        Document.objects.get(pk=electronic.pk),
        unsigned,
        unchecked,
        overdue,
    )
