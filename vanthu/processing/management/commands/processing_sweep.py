"""Send deadline reminders and escalate overdue assignments; with --every, keep doing it."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from vanthu.processing.sweep import sweep_due


class Command(BaseCommand):
    help = "Nhắc việc sắp đến hạn và báo việc quá hạn cho người giao (chạy một lần hoặc lặp)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="lặp lại sau mỗi SECONDS giây (chạy như một worker); mặc định chạy một lần",
        )

    def handle(self, *args, every: int = 0, **options):
        if every < 0:
            raise CommandError("--every phải là số giây dương.")
        while True:
            result = sweep_due()
            self.stdout.write(str(result))
            if not every:
                return
            # The sweep is idempotent, so a crash between runs only delays the next batch.
            time.sleep(every)
