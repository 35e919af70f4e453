"""Send the exchange outbox to the hub and receive what the hub holds for this deployment.

    manage.py exchange_worker --once           # one round, for cron
    manage.py exchange_worker --every 15       # a worker process (default: the setting)

SIGTERM or Ctrl+C stops the worker between two rounds, never in the middle of one.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.exchange import conf
from vanthu.exchange.worker import run_once


class Command(BaseCommand):
    help = "Gửi các gói tin liên thông đến hạn lên trục và nhận văn bản, trạng thái từ trục."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="chạy một lượt rồi thoát")
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="số giây nghỉ giữa hai lượt (mặc định VANTHU_EXCHANGE_POLL_SECONDS)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not conf.hub_configured():
            raise CommandError(
                "Chưa cấu hình trục liên thông: đặt VANTHU_HUB_URL, VANTHU_HUB_SYSTEM_ID "
                "và VANTHU_HUB_SECRET."
            )
        every = options["every"]
        every = max(float(every if every is not None else conf.poll_seconds()), 0.2)
        once = bool(options["once"])
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write(f"Đang chạy liên thông với {conf.hub_url()}, mỗi {every:g} giây.")
            self.stdout.flush()
        while not stop.is_set():
            report = run_once()
            if report.busy or report.errors or once:
                self.stdout.write(str(report))
                self.stdout.flush()
            if once:
                return
            # A full batch sent means more are waiting: go again at once.
            if report.sent + report.retrying + report.failed < conf.BATCH:
                stop.wait(every)
        self.stdout.write("Đã dừng.")
