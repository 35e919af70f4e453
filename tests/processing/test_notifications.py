"""The handling slip's notifications: the lead receives the leader's directive by SMS (as
cities do today) and in the app; co-handlers and for-information recipients in the app and
by e-mail only. Delivered through the loopback SMS gateway and the aiosmtpd server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.notifications.conftest import SMS_TOKEN, Mailbox, _free_port, smtp_settings
from tests.processing.helpers import registered_at_ubnd
from vanthu.notifications.models import Notification, OutboxMessage
from vanthu.notifications.sms_gateway import SmsGatewayServer
from vanthu.processing.actions import assign, complete, reassign

pytestmark = pytest.mark.django_db

DIRECTIVE = "Phòng Kinh tế tham mưu báo cáo UBND tỉnh trước ngày họp giao ban."


@pytest.fixture
def channels(settings):
    """The real SMTP server and SMS gateway on 127.0.0.1 (as in tests/notifications)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    smtp_settings(settings, controller.port)
    with SmsGatewayServer(token=SMS_TOKEN) as gateway:
        settings.VANTHU_SMS_GATEWAY_URL = gateway.url
        settings.VANTHU_SMS_GATEWAY_TOKEN = SMS_TOKEN
        yield box, gateway
    controller.stop()


@pytest.fixture
def phones(world):
    for user, phone in (
        (world.specialist_ubnd, "0987 654 321"),
        (world.specialist2_ubnd, "0912 222 333"),
        (world.dept_leader_ubnd, "0903 111 222"),
        (world.deputy_ubnd, "0904 444 555"),
    ):
        user.phone = phone
        user.save(update_fields=["phone"])
    return world


def _send():
    call_command("notifications_send", stdout=StringIO())


def _kinds(doc_recipients):
    return {
        (n.recipient.username, n.kind)
        for n in Notification.objects.filter(recipient__in=doc_recipients)
    }


def test_the_lead_gets_the_directive_by_sms_the_others_by_email(channels, phones, world):
    mailbox, gateway = channels
    doc = registered_at_ubnd(world)
    assign(
        world.leader_ubnd,
        doc,
        lead=world.specialist_ubnd,
        co=[world.specialist2_ubnd],
        info=[world.deputy_ubnd],
        due_working_days=5,
        directive=DIRECTIVE,
    )
    people = [world.specialist_ubnd, world.specialist2_ubnd, world.deputy_ubnd]
    assert _kinds(people) == {
        ("specialist_ubnd", "directive"),
        ("specialist2_ubnd", "assignment"),
        ("deputy_ubnd", "assignment"),
    }
    lead_note = Notification.objects.get(recipient=world.specialist_ubnd)
    assert lead_note.title == f"Chủ trì: văn bản {doc.reference} (số đến {doc.arrival_number:02d})"
    assert f"Ý kiến chỉ đạo: {DIRECTIVE}" in lead_note.body
    # Only the lead's message is worth a text, though all three have mobile numbers.
    assert list(OutboxMessage.objects.filter(channel="sms").values_list("address", flat=True)) == [
        "0987654321"
    ]

    _send()
    (sms,) = gateway.messages
    assert sms["to"] == "0987654321"
    assert sms["text"].startswith(f"VanThu: Trần Văn Chủ Tịch giao chủ trì VB {doc.reference}")
    assert f"Chỉ đạo: {DIRECTIVE}" in sms["text"]
    assert ", hạn " in sms["text"] and len(sms["text"]) <= 160
    mailed = sorted(r[0] for r in mailbox.recipients)
    assert mailed == [
        "deputy_ubnd@example.gov.vn",
        "specialist2_ubnd@example.gov.vn",
        "specialist_ubnd@example.gov.vn",
    ]


def test_a_long_directive_is_cut_to_one_screen(channels, phones, world):
    _, gateway = channels
    doc = registered_at_ubnd(world)
    long_directive = "Khẩn trương rà soát, tổng hợp số liệu giải ngân vốn đầu tư công " * 5
    assign(world.leader_ubnd, doc, lead=world.specialist_ubnd, directive=long_directive)
    _send()
    (sms,) = gateway.messages
    assert len(sms["text"]) == 160 and sms["text"].endswith("…")
    # The whole directive stays in the app and the e-mail.
    note = Notification.objects.get(recipient=world.specialist_ubnd)
    assert long_directive.strip() in note.body


def test_a_department_lead_reaches_its_leaders_and_then_the_specialist(channels, phones, world):
    _, gateway = channels
    doc = registered_at_ubnd(world)
    (line,) = assign(world.leader_ubnd, doc, lead=world.kt_ubnd, directive=DIRECTIVE)
    assert _kinds([world.dept_leader_ubnd]) == {("dept_leader_ubnd", "directive")}
    (child,) = reassign(
        world.dept_leader_ubnd, line, lead=world.specialist_ubnd, directive="Anh Chuyên làm ngay."
    )
    assert _kinds([world.specialist_ubnd]) == {("specialist_ubnd", "directive")}
    _send()
    texts = {m["to"]: m["text"] for m in gateway.messages}
    assert set(texts) == {"0903111222", "0987654321"}
    assert f"Chỉ đạo: {DIRECTIVE}" in texts["0903111222"]
    assert texts["0987654321"].startswith("VanThu: Phạm Văn Trưởng Phòng giao chủ trì VB")
    assert texts["0987654321"].endswith("Chỉ đạo: Anh Chuyên làm ngay.")

    complete(world.specialist_ubnd, child, result_note="Đã trình báo cáo.")
    done = Notification.objects.get(recipient=world.dept_leader_ubnd, kind="completed")
    assert done.title.startswith("Đã hoàn thành: văn bản") and "Đã trình báo cáo." in done.body


def test_without_a_directive_the_sms_names_the_subject(channels, phones, world):
    _, gateway = channels
    doc = registered_at_ubnd(world)
    assign(world.leader_ubnd, doc, lead=world.specialist_ubnd)
    _send()
    (sms,) = gateway.messages
    assert sms["text"].endswith(f": {doc.subject}")
