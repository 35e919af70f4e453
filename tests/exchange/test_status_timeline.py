"""Status messages from the recipient's system (B) build the sender's per-recipient
timeline — 01 → 03 → 04 → 05 → 06 with the recipient's times and staff — whatever order
they arrive in; a repeated report is ignored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.documents.helpers import make_issued
from tests.exchange.conftest import BO_NV, edocs_for_b, unique_subject
from vanthu.edxml import Organization, ResponseFor, StaffInfo, StatusMessage, build_status
from vanthu.edxml.constants import VN_TZ
from vanthu.exchange.models import InboundPackage
from vanthu.exchange.worker import run_once

pytestmark = pytest.mark.django_db


def _later(minutes: int = 5) -> dt.datetime:
    # Whole seconds, as edXML carries them; after the delivery, as a recipient reports.
    now = dt.datetime.now(VN_TZ).replace(microsecond=0)
    return now + dt.timedelta(minutes=minutes)


def _status(received, code: str, at: dt.datetime, description: str = "") -> bytes:
    sender = received.from_
    return build_status(
        StatusMessage(
            from_=Organization(organ_id=BO_NV, name="Bộ Nội vụ"),
            to=Organization(organ_id=sender.organ_id, name=sender.name),
            response_for=ResponseFor(
                organ_id=sender.organ_id,
                code=str(received.code),
                promulgation_date=received.promulgation_info.date,
                document_id=received.document_id,
            ),
            staff_info=StaffInfo(department="Văn phòng Bộ", staff="Trần Thị Văn Thư"),
            status_code=code,
            description=description,
            timestamp=at,
        )
    )


def test_statuses_from_b_make_the_senders_timeline(world, ministry, connected, vendor_b, client):
    doc = make_issued(world, recipients=[ministry], subject=unique_subject())
    run_once()
    ((_, received),) = edocs_for_b(vendor_b)
    t0 = _later()

    # Sent out of order, as retries on the other side may deliver them.
    for code, minutes, description in (
        ("03", 10, "Văn thư Bộ: tiếp nhận, vào sổ văn bản đến"),
        ("01", 0, "Đã đến"),
        ("05", 45, ""),
        ("04", 30, "Giao Vụ Chính quyền địa phương chủ trì"),
        ("06", 90, "Đã có văn bản trả lời"),
    ):
        at = t0 + dt.timedelta(minutes=minutes)
        vendor_b.send_edoc(
            _status(received, code, at, description), from_organ=BO_NV, messagetype="status"
        )
    report = run_once()

    assert report.received == 5
    delivery = doc.deliveries.get()
    events = list(delivery.events.order_by("at", "id"))
    assert [e.status for e in events] == ["01", "03", "04", "05", "06"]
    assert [e.at for e in events] == [t0 + dt.timedelta(minutes=m) for m in (0, 10, 30, 45, 90)]
    assert {e.actor_name for e in events} == {"Trần Thị Văn Thư, Văn phòng Bộ"}
    assert events[0].note == ""  # the standard wording adds nothing to "Đã đến"
    assert events[2].note == "Giao Vụ Chính quyền địa phương chủ trì"
    delivery.refresh_from_db()
    assert delivery.status == "06"
    assert {p.delivery for p in InboundPackage.objects.all()} == {delivery}

    # The same report again (other bytes: a new DocId at the hub) changes nothing.
    vendor_b.send_edoc(
        _status(received, "03", t0 + dt.timedelta(minutes=10), "Gửi lại trạng thái"),
        from_organ=BO_NV,
        messagetype="status",
    )
    run_once()
    assert delivery.events.count() == 5
    assert InboundPackage.objects.filter(state="duplicate").count() == 1

    # The sender's document page shows the recipient's timeline with times and staff.
    client.force_login(world.clerk_ubnd)
    page = client.get(reverse("web:document_detail", args=[doc.public_id])).content.decode()
    assert "Bộ Nội vụ" in page and "qua trục liên thông" in page
    assert "Trần Thị Văn Thư, Văn phòng Bộ" in page
    done = t0 + dt.timedelta(minutes=90)
    assert f"{done:%H:%M %d/%m/%Y} — Hoàn thành" in page
    assert f"{t0:%H:%M %d/%m/%Y} — Đã đến" in page


def test_a_status_about_a_document_we_never_sent_is_ignored(world, ministry, connected, vendor_b):
    make_issued(world, recipients=[ministry], subject=unique_subject())
    run_once()
    ((_, received),) = edocs_for_b(vendor_b)
    received.document_id = f"{world.ubnd.code},2020/01/01,999/UBND-KT"
    received.code.number = "999"

    vendor_b.send_edoc(_status(received, "03", _later()), from_organ=BO_NV, messagetype="status")
    run_once()

    package = InboundPackage.objects.get()
    assert (package.state, package.ack_status, package.delivery) == ("ignored", "done", None)
    assert "Không tìm thấy văn bản đã gửi" in package.error
    assert not world.ubnd.documents.get().deliveries.get().events.exists()
