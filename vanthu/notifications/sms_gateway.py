"""A loopback SMS gateway for tests and the demo: a real HTTP server on 127.0.0.1 speaking the
"http-json" protocol of transports.HttpJsonSmsGateway, recording what it "texts".

    with SmsGatewayServer(token="t") as gateway:   # any free port
        settings.VANTHU_SMS_GATEWAY_URL = gateway.url
        gateway.fail_next(2)                       # the next two requests get HTTP 503
        ...
        gateway.messages  # [{"to": "09...", "text": "..."}]

``POST /sms`` with ``{"to", "text"}`` answers 202 ``{"id": n}``; a missing or wrong bearer
token 401; a malformed body 400; while failing, 503. ``fail_always = True`` keeps it down.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler

from vanthu.loopback import LoopbackServer

MAX_BODY = 16 * 1024


class SmsGatewayServer(LoopbackServer):
    def __init__(self, *, port: int = 0, token: str = "", echo=None) -> None:
        """Listen on 127.0.0.1:`port` (0: any free port). `echo(message)` is called for each
        accepted message (the demo prints them, like a phone would show them)."""
        self.token = token
        self.echo = echo
        self.messages: list[dict[str, str]] = []
        self.requests = 0
        self.fail_always = False
        self._failures_left = 0
        self._lock = threading.Lock()
        self._listen(_handler_for(self), port, "sms-gateway")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/sms"

    def fail_next(self, count: int) -> None:
        """Answer the next `count` requests with 503, then recover."""
        with self._lock:
            self._failures_left = count

    def close(self) -> None:
        self.stop()

    def _take(self, message: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
            if self.fail_always or self._failures_left > 0:
                self._failures_left = max(self._failures_left - 1, 0)
                return 503, {"error": "gateway temporarily unavailable"}
            self.messages.append(message)
            number = len(self.messages)
        if self.echo is not None:
            self.echo(message)
        return 202, {"id": number}


def _handler_for(gateway: SmsGatewayServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the demo console shows messages through `echo`, not access lines

        def _answer(self, status: int, body: dict) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            if self.path != "/sms":
                return self._answer(404, {"error": "not found"})
            if gateway.token and self.headers.get("Authorization") != f"Bearer {gateway.token}":
                return self._answer(401, {"error": "bad token"})
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                return self._answer(400, {"error": "empty or oversized body"})
            try:
                data = json.loads(self.rfile.read(length).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return self._answer(400, {"error": "body is not JSON"})
            if not (
                isinstance(data, dict)
                and isinstance(data.get("to"), str)
                and isinstance(data.get("text"), str)
                and data["to"]
                and data["text"]
            ):
                return self._answer(400, {"error": "expected {to, text}"})
            status, body = gateway._take({"to": data["to"], "text": data["text"]})
            return self._answer(status, body)

    return Handler
