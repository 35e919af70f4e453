"""Run the loopback SMS gateway in the foreground for the demo; every message it accepts is
printed on this console, like a phone would show it.

    manage.py sms_gateway --port 8790 --token demo-sms-token
    # then run VanThu with VANTHU_SMS_GATEWAY_URL=http://127.0.0.1:8790/sms
    #                      VANTHU_SMS_GATEWAY_TOKEN=demo-sms-token
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser

from vanthu.notifications.sms_gateway import SmsGatewayServer


class Command(BaseCommand):
    help = "Chạy cổng SMS thử nghiệm trên 127.0.0.1 (in ra các tin nhắn nhận được)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8790)
        parser.add_argument("--token", default="", help="mã truy cập (Bearer) cổng yêu cầu")
        parser.add_argument(
            "--fail-first", type=int, default=0, help="trả lỗi 503 cho N yêu cầu đầu tiên"
        )

    def handle(self, *args: object, **options: object) -> None:
        def show(message: dict[str, str]) -> None:
            self.stdout.write(f"SMS → {message['to']}: {message['text']}")
            self.stdout.flush()

        server = SmsGatewayServer(port=int(options["port"]), token=str(options["token"]), echo=show)
        server.fail_next(int(options["fail_first"]))
        self.stdout.write(f"Cổng SMS thử nghiệm: {server.url} (Ctrl+C để dừng)")
        self.stdout.flush()
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        try:
            stop.wait()
        finally:
            server.close()
