"""The daily digest: one e-mail a day of the unread notifications, only for those who opted
in, delivered to the real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

from vanthu.notifications.actions import notify, queue_digests, update_preferences
from vanthu.notifications.models import Notification, OutboxMessage, Preference
from vanthu.notifications.senders import send_due

MORNING = datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _opt_in(user, digest=True):
    # E-mail per notification off: the digest is the only mail these people get.
    update_preferences(
        user, email_enabled=False, sms_enabled=False, sms_phone="", digest_enabled=digest
    )


def test_it_mails_the_unread_notifications_once_a_day(mailbox, world):
    _opt_in(world.specialist_ubnd)
    _opt_in(world.specialist2_ubnd)  # opted in but nothing unread
    _opt_in(world.clerk_ubnd, digest=False)
    notify(world.specialist_ubnd, kind="assignment", title="Giao xử lý công văn 45/UBND-KT")
    notify(world.specialist_ubnd, kind="reminder", title="Sắp đến hạn: báo cáo quý I", url="/x/")
    notify(world.specialist_ubnd, kind="review", title="Đã đọc rồi")
    notify(world.clerk_ubnd, kind="arrival", title="Văn bản đến từ Sở Y tế")
    Notification.objects.filter(title="Đã đọc rồi").update(read_at=timezone.now())
    assert not OutboxMessage.objects.exists()  # e-mail per notification is off for all three

    assert queue_digests(now=MORNING) == 1
    assert queue_digests(now=MORNING + timedelta(hours=3)) == 0  # same day: nothing more
    assert send_due(now=MORNING).sent == 1

    assert mailbox.recipients == [["specialist_ubnd@example.gov.vn"]]
    message = mailbox.messages[0]
    assert message["Subject"] == "[VanThu] 2 thông báo chưa đọc — tổng hợp ngày 16/03/2026"
    body = message.get_content()
    assert "Giao xử lý công văn 45/UBND-KT" in body
    assert "Sắp đến hạn: báo cáo quý I" in body and "http://127.0.0.1:8000/x/" in body
    assert "Đã đọc rồi" not in body
    assert Preference.objects.get(user=world.specialist_ubnd).last_digest_on.isoformat() == (
        "2026-03-16"
    )
    # The next day brings a new digest while the items are still unread.
    assert queue_digests(now=MORNING + timedelta(days=1)) == 1


def test_the_command_reports_and_does_nothing_without_smtp(channels_off, world):
    _opt_in(world.specialist_ubnd)
    notify(world.specialist_ubnd, kind="assignment", title="Giao xử lý")
    out = StringIO()
    call_command("notifications_digest", stdout=out)
    assert "Chưa cấu hình máy chủ thư" in out.getvalue()
    assert not OutboxMessage.objects.exists()


def test_the_commands_queue_and_send(mailbox, world):
    _opt_in(world.specialist_ubnd)
    notify(world.specialist_ubnd, kind="assignment", title="Giao xử lý")
    out = StringIO()
    call_command("notifications_digest", stdout=out)
    assert "Đã lập 1 thư tổng hợp." in out.getvalue()
    call_command("notifications_send", stdout=out)
    assert "Đã gửi 1, sẽ thử lại 0, không thành công 0." in out.getvalue()
    assert len(mailbox.messages) == 1
