"""notify(): the in-app row always, outbox rows per preferences and addresses, all in the
caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from vanthu.notifications.actions import normalize_phone, notify, update_preferences
from vanthu.notifications.models import Notification, OutboxMessage, OutboxStatus


@pytest.fixture
def both_on(settings, with_phone):
    settings.VANTHU_EMAIL_ENABLED = True
    settings.VANTHU_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # never contacted here
    return with_phone


def test_it_creates_the_in_app_row_and_queues_email_and_sms(both_on):
    w = both_on
    notify(
        w.specialist_ubnd,
        kind="directive",
        title="Ý kiến chỉ đạo: khẩn trương tham mưu",
        body="Đề nghị phòng Kinh tế trình trước ngày 20/3.",
        url="/xu-ly/abc/",
        actor=w.leader_ubnd,
        sms=True,
    )
    notification = Notification.objects.get(recipient=w.specialist_ubnd)
    assert notification.actor == w.leader_ubnd
    assert notification.read_at is None
    assert notification.url == "/xu-ly/abc/"
    rows = {m.channel: m for m in OutboxMessage.objects.filter(notification=notification)}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].address == "specialist_ubnd@example.gov.vn"
    assert rows["email"].payload["subject"] == "[VanThu] Ý kiến chỉ đạo: khẩn trương tham mưu"
    assert "Đề nghị phòng Kinh tế" in rows["email"].payload["body"]
    assert "http://127.0.0.1:8000/xu-ly/abc/" in rows["email"].payload["body"]
    assert rows["sms"].address == "0987654321"  # +84 normalised to the national form
    assert rows["sms"].payload["text"].startswith("[VanThu] Ý kiến chỉ đạo")
    assert all(r.status == OutboxStatus.PENDING and r.attempts == 0 for r in rows.values())


def test_it_sends_sms_only_when_the_caller_asks(both_on):
    notify(both_on.specialist_ubnd, kind="assignment", title="Được giao xử lý")
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]


def test_it_skips_sms_for_a_desk_phone_and_email_for_no_address(both_on):
    w = both_on
    notify(w.dept_leader_ubnd, kind="directive", title="Chỉ đạo", sms=True)
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]
    w.leader_ubnd.email = ""
    w.leader_ubnd.save(update_fields=["email"])
    notify(w.leader_ubnd, kind="directive", title="Chỉ đạo", sms=True)
    assert OutboxMessage.objects.filter(recipient=w.leader_ubnd).get().channel == "sms"
    assert Notification.objects.filter(recipient=w.leader_ubnd).count() == 1


def test_it_respects_preferences(both_on):
    w = both_on
    update_preferences(
        w.specialist_ubnd,
        email_enabled=True,
        sms_enabled=False,
        sms_phone="",
        digest_enabled=False,
        muted={"email": ["reminder"]},
    )
    notify(w.specialist_ubnd, kind="reminder", title="Sắp đến hạn", sms=True)
    notify(w.specialist_ubnd, kind="directive", title="Chỉ đạo", sms=True)
    assert Notification.objects.filter(recipient=w.specialist_ubnd).count() == 2
    queued = list(OutboxMessage.objects.values_list("channel", "notification__kind"))
    assert queued == [("email", "directive")]


def test_it_uses_the_phone_given_in_preferences(both_on):
    w = both_on
    update_preferences(
        w.dept_leader_ubnd,
        email_enabled=False,
        sms_enabled=True,
        sms_phone="0356.111.222",
        digest_enabled=False,
    )
    notify(w.dept_leader_ubnd, kind="directive", title="Chỉ đạo", sms=True)
    assert list(OutboxMessage.objects.values_list("channel", "address")) == [("sms", "0356111222")]


def test_a_switched_off_channel_queues_nothing_and_never_raises(channels_off, with_phone):
    notify(with_phone.specialist_ubnd, kind="directive", title="Chỉ đạo", sms=True)
    assert Notification.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_nothing_is_announced_when_the_callers_transaction_rolls_back(both_on):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify(both_on.specialist_ubnd, kind="assignment", title="Được giao", sms=True)
        raise Boom
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_nobody_is_told_about_their_own_action(both_on):
    notify(both_on.leader_ubnd, kind="assignment", title="Tự giao", actor=both_on.leader_ubnd)
    assert not Notification.objects.exists()


def test_an_outside_link_is_dropped_and_a_long_title_clipped(both_on):
    notify(both_on.specialist_ubnd, kind="x", title="Tiêu đề " * 80, url="https://evil.example/")
    notification = Notification.objects.get()
    assert notification.url == ""
    assert len(notification.title) == 300 and notification.title.endswith("…")


def test_an_inactive_user_gets_no_email(both_on):
    both_on.specialist_ubnd.is_active = False
    both_on.specialist_ubnd.save(update_fields=["is_active"])
    notify(both_on.specialist_ubnd, kind="assignment", title="Được giao", sms=True)
    assert Notification.objects.count() == 1
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84-912-345-678", "0912345678"),
        ("(024) 3825 1234", None),
        ("091234567", None),
        ("", None),
    ],
)
def test_it_recognises_vietnamese_mobile_numbers(raw, expected):
    assert normalize_phone(raw) == expected
