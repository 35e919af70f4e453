"""Queue the daily digest e-mail of unread notifications for everyone who opted in (run it
once a day, e.g. at 07:00; a second run the same day queues nothing). `notifications_send`
delivers the e-mails."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from vanthu.notifications import conf
from vanthu.notifications.actions import queue_digests
from vanthu.notifications.senders import send_due


class Command(BaseCommand):
    help = "Lập thư tổng hợp hằng ngày các thông báo chưa đọc cho người đã đăng ký nhận."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--send", action="store_true", help="gửi luôn các thư vừa lập (không chờ worker)"
        )

    def handle(self, *args: object, **options: object) -> None:
        if not conf.email_enabled():
            self.stdout.write("Chưa cấu hình máy chủ thư (VANTHU_SMTP_HOST): không lập thư.")
            return
        queued = queue_digests()
        self.stdout.write(f"Đã lập {queued} thư tổng hợp.")
        if options["send"] and queued:
            report = send_due()
            self.stdout.write(f"Đã gửi {report.sent}, sẽ thử lại {report.retrying}.")
