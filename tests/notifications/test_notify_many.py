"""notify_many(): the rows notify() would write, message by message, in a fixed number of
statements; the same rules for oneself, inactive people, preferences and the outbox."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vanthu.notifications.actions import Message, notify, notify_many, update_preferences
from vanthu.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_on(settings, with_phone):
    settings.VANTHU_EMAIL_ENABLED = True
    settings.VANTHU_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # never contacted here
    w = with_phone
    update_preferences(
        w.specialist_ubnd,
        email_enabled=True,
        sms_enabled=True,
        sms_phone="",
        digest_enabled=False,
        muted={"email": ["reminder"]},
    )
    w.deputy_ubnd.is_active = False
    w.deputy_ubnd.save(update_fields=["is_active"])
    return w


def _messages(w) -> list[Message]:
    return [
        Message(w.specialist_ubnd, "reminder", "Sắp đến hạn", "Hai việc", "/xu-ly/viec-cua-toi/"),
        Message(w.specialist_ubnd, "directive", "Chỉ đạo", actor=w.leader_ubnd, sms=True),
        Message(w.leader_ubnd, "overdue", "Quá hạn: 3 việc", url="https://evil.example/", sms=True),
        Message(w.dept_leader_ubnd, "directive", "Chỉ đạo", sms=True, sms_text="Ngắn gọn"),
        Message(w.deputy_ubnd, "assignment", "Được giao"),  # inactive: in the app only
        Message(w.leader_ubnd, "assignment", "Tự giao", actor=w.leader_ubnd),  # oneself
        Message(None, "assignment", "Không ai"),
    ]


def _written() -> list[tuple]:
    notes = [
        (n.recipient_id, n.actor_id, n.kind, n.title, n.body, n.url, n.read_at)
        for n in Notification.objects.order_by("pk")
    ]
    outbox = [
        (m.notification.title, m.recipient_id, m.channel, m.address, m.payload, m.status)
        for m in OutboxMessage.objects.select_related("notification").order_by("pk")
    ]
    return notes + outbox


def test_it_writes_what_notify_writes_one_by_one(both_on):
    with transaction.atomic():
        for m in _messages(both_on):
            notify(
                m.recipient,
                kind=m.kind,
                title=m.title,
                body=m.body,
                url=m.url,
                actor=m.actor,
                sms=m.sms,
                sms_text=m.sms_text,
            )
        one_by_one = _written()
        transaction.set_rollback(True)

    assert notify_many(_messages(both_on)) == 5
    assert _written() == one_by_one
    channels = sorted(OutboxMessage.objects.values_list("recipient__username", "channel"))
    assert channels == [
        ("dept_leader_ubnd", "email"),
        ("leader_ubnd", "email"),
        ("leader_ubnd", "sms"),
        ("specialist_ubnd", "email"),  # the directive; reminders are muted for e-mail
        ("specialist_ubnd", "sms"),
    ]


def test_the_statements_do_not_grow_with_the_messages(both_on):
    w = both_on
    people = [w.specialist_ubnd, w.leader_ubnd, w.dept_leader_ubnd, w.clerk_ubnd]
    few = [Message(p, "reminder", "Nhắc việc") for p in people[:2]]
    many = [Message(p, "reminder", f"Nhắc việc {i}") for i in range(40) for p in people]
    with CaptureQueriesContext(connection) as for_few:
        notify_many(few)
    counted_few = len(for_few)
    with CaptureQueriesContext(connection) as for_many:
        notify_many(many)
    # The notifications, the preferences, the outbox (and a savepoint around them).
    assert len(for_many) == counted_few <= 5
    assert Notification.objects.count() == 2 + 160


def test_nothing_stays_when_the_callers_transaction_rolls_back(both_on):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify_many(_messages(both_on))
        raise Boom
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()


def test_with_the_channels_off_only_the_app_is_told(channels_off, world):
    assert notify_many([Message(world.specialist_ubnd, "directive", "Chỉ đạo", sms=True)]) == 1
    assert not OutboxMessage.objects.exists()
    assert notify_many([]) == 0
