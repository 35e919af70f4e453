"""Statuses 04, 05 and 06 travel back to the sending agency through LocalTransport."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.processing.helpers import accepted_at_stc, delivery_statuses
from vanthu.documents.numbering import local_today
from vanthu.processing.actions import add_progress, assign, complete, reassign

pytestmark = pytest.mark.django_db


def test_sender_sees_assigned_processing_and_completed(world):
    sender, incoming = accepted_at_stc(world)
    assert delivery_statuses(sender) == ["01", "03"]

    (lead,) = assign(
        world.leader_stc,
        incoming,
        lead=world.ns_stc,
        due_on=local_today() + timedelta(days=7),
        directive="Phòng Ngân sách tham mưu trả lời.",
    )
    assert delivery_statuses(sender) == ["01", "03", "04"]
    assert sender.deliveries.get().status == "04"

    (child,) = reassign(world.dept_leader_stc, lead, lead=world.specialist_stc)
    add_progress(world.specialist_stc, child, "Đang tổng hợp số liệu.")
    add_progress(world.specialist_stc, child, "Đã xin ý kiến phòng.")  # 05 only once
    assert delivery_statuses(sender) == ["01", "03", "04", "05"]

    complete(world.specialist_stc, child, result_note="Đã báo cáo UBND tỉnh.")
    assert delivery_statuses(sender) == ["01", "03", "04", "05", "06"]
    last = sender.deliveries.get().events.order_by("-id").first()
    assert last.actor == world.specialist_stc and "Đã báo cáo" in last.note


def test_a_paper_document_reports_nothing(world):
    from tests.processing.helpers import registered_at_ubnd
    from vanthu.exchange.models import DeliveryEvent

    doc = registered_at_ubnd(world)
    (lead,) = assign(world.leader_ubnd, doc, lead=world.specialist_ubnd)
    complete(world.specialist_ubnd, lead, result_note="Xong")
    assert not DeliveryEvent.objects.exists()
