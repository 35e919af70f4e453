"""E-mail delivered through Django's SMTP backend to a real local SMTP server."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.notifications.conftest import _free_port, smtp_settings
from vanthu.audit.models import AuditEvent
from vanthu.notifications.actions import notify
from vanthu.notifications.models import OutboxMessage, OutboxStatus
from vanthu.notifications.senders import send_due


def test_it_delivers_a_vietnamese_email_to_the_smtp_server(mailbox, world):
    notify(
        world.specialist_ubnd,
        kind="assignment",
        title="Giao xử lý: Công văn số 123/STC-NS về việc quyết toán ngân sách",
        body="Chủ trì tham mưu, hạn xử lý: 5 ngày làm việc.",
        url="/xu-ly/giao-viec/1/",
        actor=world.leader_ubnd,
    )
    report = send_due()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)

    assert mailbox.recipients == [["specialist_ubnd@example.gov.vn"]]
    message = mailbox.messages[0]
    assert message["Subject"] == (
        "[VanThu] Giao xử lý: Công văn số 123/STC-NS về việc quyết toán ngân sách"
    )
    assert message["From"] == "VanThu <vanthu@ubnd.nghean.gov.vn>"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "Kính gửi Hoàng Văn Chuyên," in body
    assert "Chủ trì tham mưu, hạn xử lý: 5 ngày làm việc." in body
    assert "http://127.0.0.1:8000/xu-ly/giao-viec/1/" in body
    row = OutboxMessage.objects.get()
    assert message["Message-ID"] == f"<{row.public_id}@vanthu>"
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, "")
    assert row.sent_at is not None
    # Sent once: a second pass finds nothing due.
    assert send_due().total == 0
    assert len(mailbox.messages) == 1


def test_an_unreachable_smtp_server_is_retried_then_delivered(settings, mailbox, world):
    smtp_settings(settings, _free_port())  # nobody listens there
    notify(world.specialist_ubnd, kind="assignment", title="Được giao xử lý văn bản")
    now = timezone.now()
    assert send_due(now=now).retrying == 1
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "Lỗi gửi thư" in row.last_error
    assert row.next_attempt_at == now + timedelta(seconds=60)

    smtp_settings(settings, mailbox.port)
    assert send_due(now=now + timedelta(seconds=59)).total == 0  # not yet due
    assert send_due(now=now + timedelta(seconds=60)).sent == 1
    assert len(mailbox.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_a_refused_mailbox_fails_at_once_and_is_audited(mailbox, world):
    world.specialist_ubnd.email = "khong-ton-tai@example.gov.vn"
    world.specialist_ubnd.save(update_fields=["email"])
    mailbox.refuse = {"khong-ton-tai@example.gov.vn"}
    notify(world.specialist_ubnd, kind="assignment", title="Được giao xử lý văn bản")
    assert send_due().failed == 1
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.FAILED and row.attempts == 1
    assert "từ chối người nhận" in row.last_error
    event = AuditEvent.objects.get(action="notifications.delivery_failed")
    assert event.object_id == str(row.public_id)
    assert not mailbox.messages


def test_a_long_vietnamese_subject_arrives_with_every_space(mailbox, world):
    # Long enough to be folded over several header lines, where Python's folder (3.12)
    # used to glue two words together at the seam of two encoded words ("sớmnhất").
    title = (
        "Sắp đến hạn: 14 việc, sớm nhất ngày 12/03/2026 — Công văn số 123/STC-NS về việc "
        "quyết toán ngân sách nhà nước năm 2025 của các đơn vị dự toán cấp tỉnh và các xã, "
        "phường thuộc Ủy ban nhân dân tỉnh Nghệ An"
    )
    notify(world.specialist_ubnd, kind="reminder", title=title)
    assert send_due().sent == 1
    (message,) = mailbox.messages
    assert message["Subject"] == f"[VanThu] {title}"
    assert OutboxMessage.objects.get().payload["subject"] == f"[VanThu] {title}"


def test_every_space_survives_folding_whatever_the_subject(mailbox, world):
    # Words cut at every possible place of the folded lines: one message per length.
    words = "Về việc rà soát, tổng hợp số liệu giải ngân vốn đầu tư công năm 2026".split()
    subjects = [" ".join(words * 4)[:n] for n in range(60, 240, 7)]
    subjects = [s.strip() for s in subjects]
    for subject in subjects:
        notify(world.specialist_ubnd, kind="reminder", title=subject)
    assert send_due().sent == len(subjects)
    received = sorted(m["Subject"] for m in mailbox.messages)
    assert received == sorted(f"[VanThu] {s}" for s in subjects)
