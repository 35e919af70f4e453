"""Send the due e-mails and text messages of the notification outbox.

    manage.py notifications_send                      # one pass, for cron
    manage.py notifications_send --loop --every 15    # a worker process

In a loop, SIGTERM or Ctrl+C stops the worker between two batches, never in the middle of
one, so a message is not left claimed and waiting for its lease to run out.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser

from vanthu.notifications.senders import send_due


class Command(BaseCommand):
    help = "Gửi các thư điện tử, tin nhắn SMS đến hạn trong hàng đợi thông báo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="chạy liên tục như một worker")
        parser.add_argument(
            "--every", type=float, default=15.0, help="số giây nghỉ giữa hai lượt (mặc định 15)"
        )
        parser.add_argument(
            "--limit", type=int, default=100, help="số thư, tin nhắn tối đa mỗi lượt"
        )

    def handle(self, *args: object, **options: object) -> None:
        every = max(float(options["every"]), 0.5)
        limit = max(int(options["limit"]), 1)
        loop = bool(options["loop"])
        stop = threading.Event()
        if loop:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write(f"Đang chạy gửi thông báo, mỗi {every:g} giây một lượt.")
        while not stop.is_set():
            report = send_due(limit=limit)
            if report.total or not loop:
                self.stdout.write(
                    f"Đã gửi {report.sent}, sẽ thử lại {report.retrying}, "
                    f"không thành công {report.failed}.",
                )
                self.stdout.flush()
            if not loop:
                return
            # A full batch means more are waiting: go again at once instead of sleeping.
            if report.total < limit:
                stop.wait(every)
        self.stdout.write("Đã dừng.")
