"""The in-app pages: list, open, mark all read, the polled unread count, preferences, and the
administrators' outbox page with its retry button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.models import AuditEvent
from vanthu.notifications.actions import notify
from vanthu.notifications.models import Notification, OutboxMessage, OutboxStatus, Preference
from vanthu.notifications.senders import send_due


def _three_for_specialist(world):
    notify(world.specialist_ubnd, kind="assignment", title="Việc cũ đã đọc", url="/xu-ly/1/")
    notify(world.specialist_ubnd, kind="reminder", title="Nhắc hạn xử lý")
    notify(world.specialist_ubnd, kind="directive", title="Chỉ đạo mới", url="/xu-ly/3/")
    notify(world.specialist2_ubnd, kind="assignment", title="Việc của người khác")
    Notification.objects.filter(title="Việc cũ đã đọc").update(read_at=timezone.now())
    return {n.title: n for n in Notification.objects.all()}


def test_the_list_shows_own_notifications_unread_first(channels_off, world, login):
    _three_for_specialist(world)
    response = login(world.specialist_ubnd).get(reverse("notifications:list"))
    assert response.status_code == 200
    titles = [n.title for n in response.context["page"].object_list]
    assert titles == ["Chỉ đạo mới", "Nhắc hạn xử lý", "Việc cũ đã đọc"]
    assert response.context["unread"] == 2
    assert "Việc của người khác" not in response.content.decode()
    assert "Đánh dấu tất cả đã đọc" in response.content.decode()


def test_opening_marks_read_and_follows_the_link(channels_off, world, login):
    items = _three_for_specialist(world)
    client = login(world.specialist_ubnd)
    response = client.get(reverse("notifications:open", args=[items["Chỉ đạo mới"].public_id]))
    assert response.status_code == 302 and response["Location"] == "/xu-ly/3/"
    items["Chỉ đạo mới"].refresh_from_db()
    assert items["Chỉ đạo mới"].read_at is not None
    # Without a link the notification is shown on its own page.
    response = client.get(reverse("notifications:open", args=[items["Nhắc hạn xử lý"].public_id]))
    assert response.status_code == 200
    assert "Nhắc hạn xử lý" in response.content.decode()


def test_another_users_notification_is_not_found(channels_off, world, login):
    items = _three_for_specialist(world)
    other = items["Việc của người khác"]
    for persona in (world.specialist_ubnd, world.admin):
        response = login(persona).get(reverse("notifications:open", args=[other.public_id]))
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_touches_only_own_notifications(channels_off, world, login):
    _three_for_specialist(world)
    client = login(world.specialist_ubnd)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.specialist_ubnd, read_at=None).exists()
    assert Notification.objects.get(recipient=world.specialist2_ubnd).read_at is None


def test_the_unread_count_fragment(channels_off, world, client, login):
    _three_for_specialist(world)
    url = reverse("notifications:unread_count")
    assert client.get(url).status_code == 204  # session gone: htmx swaps nothing
    login(world.specialist_ubnd)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert ">2</span>" in response.content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert client.get(url).content.decode().strip() == ""
    login(world.outsider)
    assert client.get(url).content.decode().strip() == ""


def test_the_bell_tag_renders_the_count(channels_off, world):
    _three_for_specialist(world)
    request = RequestFactory().get("/")
    request.user = world.specialist_ubnd
    html = Template("{% load notifications_tags %}{% unread_badge %}").render(
        Context({"request": request})
    )
    assert ">2</span>" in html


def test_preferences_are_saved_and_audited(channels_off, world, login):
    client = login(world.specialist_ubnd)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {
            "email_enabled": "on",
            "email_kinds": ["assignment", "directive"],
            "sms_enabled": "on",
            "sms_kinds": ["directive"],
            "sms_phone": "+84 912 345 678",
            "digest_enabled": "on",
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=world.specialist_ubnd)
    assert (pref.email_enabled, pref.sms_enabled, pref.digest_enabled) == (True, True, True)
    assert pref.sms_phone == "0912345678"
    assert "reminder" in pref.muted["email"] and "assignment" not in pref.muted["email"]
    assert "directive" not in pref.muted["sms"]
    assert pref.allows("sms", "directive") and not pref.allows("sms", "assignment")
    event = AuditEvent.objects.get(action="notifications.preferences_updated")
    assert event.actor == world.specialist_ubnd
    assert event.after["sms_phone"] == "0912345678"


def test_a_bad_phone_number_is_refused_and_nothing_saved(channels_off, world, login):
    response = login(world.specialist_ubnd).post(
        reverse("notifications:preferences"), {"sms_enabled": "on", "sms_phone": "12345"}
    )
    assert response.status_code == 400
    assert "Số điện thoại di động không hợp lệ" in response.content.decode()
    assert not Preference.objects.exists()
    assert not AuditEvent.objects.filter(action="notifications.preferences_updated").exists()


@pytest.fixture
def failed_sms(channels_off, gateway, with_phone):
    notify(with_phone.specialist_ubnd, kind="directive", title="Chỉ đạo khẩn", sms=True)
    gateway.fail_always = True
    now = timezone.now()
    for _ in range(4):
        send_due(now=now)
        now = OutboxMessage.objects.get().next_attempt_at
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.FAILED
    return row


def test_the_admin_page_shows_failed_messages(failed_sms, world, login):
    response = login(world.admin).get(reverse("notifications:outbox_admin"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ đạo khẩn" in page and "0987654321" in page
    assert "Cổng SMS trả lời HTTP 503" in page
    assert reverse("notifications:outbox_retry", args=[failed_sms.public_id]) in page


def test_the_admin_page_lists_messages_stuck_pending(channels_off, world, login, settings):
    settings.VANTHU_EMAIL_ENABLED = True
    notify(world.specialist_ubnd, kind="assignment", title="Chờ lâu chưa gửi")
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=2))
    page = login(world.admin).get(reverse("notifications:outbox_admin")).content.decode()
    assert "Chờ lâu chưa gửi" in page


def test_non_admins_cannot_see_or_retry_the_outbox(failed_sms, world, login):
    retry = reverse("notifications:outbox_retry", args=[failed_sms.public_id])
    for persona in (world.leader_ubnd, world.clerk_ubnd, world.outsider):
        client = login(persona)
        assert client.get(reverse("notifications:outbox_admin")).status_code == 404
        assert client.post(retry).status_code == 404
    failed_sms.refresh_from_db()
    assert failed_sms.status == OutboxStatus.FAILED


def test_the_retry_button_requeues_and_the_sender_delivers(failed_sms, gateway, world, login):
    response = login(world.admin).post(
        reverse("notifications:outbox_retry", args=[failed_sms.public_id])
    )
    assert response.status_code == 302
    failed_sms.refresh_from_db()
    assert (failed_sms.status, failed_sms.attempts) == (OutboxStatus.PENDING, 0)
    event = AuditEvent.objects.get(action="notifications.delivery_retried")
    assert event.actor == world.admin and event.before["status"] == "failed"
    gateway.fail_always = False
    assert send_due().sent == 1
    assert gateway.messages[0]["to"] == "0987654321"
    # A sent message cannot be "retried" again.
    response = login(world.admin).post(
        reverse("notifications:outbox_retry", args=[failed_sms.public_id]), follow=True
    )
    assert "đã được gửi" in response.content.decode()
