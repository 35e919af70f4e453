"""Real local servers for the notification channels: an SMTP server (aiosmtpd) and the
loopback SMS gateway, both on 127.0.0.1, wired into the settings."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from vanthu.notifications.sms_gateway import SmsGatewayServer

SMS_TOKEN = "token-thu-nghiem"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: keeps every accepted message, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refuse: set[str] = set()  # addresses answered "550 no such mailbox"
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def smtp_settings(settings, port: int) -> None:
    settings.VANTHU_EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "VanThu <vanthu@ubnd.nghean.gov.vn>"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    box.port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    smtp_settings(settings, controller.port)
    yield box
    controller.stop()


@pytest.fixture
def gateway(settings):
    with SmsGatewayServer(token=SMS_TOKEN) as server:
        settings.VANTHU_SMS_GATEWAY_URL = server.url
        settings.VANTHU_SMS_GATEWAY_TOKEN = SMS_TOKEN
        settings.VANTHU_NOTIFY_MAX_ATTEMPTS = 4
        settings.VANTHU_NOTIFY_RETRY_BASE_SECONDS = 60
        yield server


@pytest.fixture
def channels_off(settings):
    settings.VANTHU_EMAIL_ENABLED = False
    settings.VANTHU_SMS_GATEWAY_URL = ""


@pytest.fixture
def with_phone(world):
    """Leaders and specialists of the UBND get mobile numbers (the personas have none)."""
    for user, phone in (
        (world.leader_ubnd, "0912 345 678"),
        (world.specialist_ubnd, "+84 987 654 321"),
        (world.dept_leader_ubnd, "024 3825 1234"),  # a desk line: not for SMS
    ):
        user.phone = phone
        user.save(update_fields=["phone"])
    return world
