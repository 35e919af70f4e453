"""The two external channels. Each `send_*` delivers one outbox message or raises
DeliveryError; the sender decides from that whether to retry.

SMS gateways are pluggable: a class with ``send(to: str, text: str) -> None`` registered in
SMS_GATEWAYS and chosen by VANTHU_SMS_GATEWAY. The built-in "http-json" gateway POSTs
``{"to": "0912345678", "text": "..."}`` with ``Authorization: Bearer <token>`` to
VANTHU_SMS_GATEWAY_URL; any 2xx answer means accepted, anything else is an error.
"""

from __future__ import annotations

import email.policy
import json
import smtplib
import urllib.error
import urllib.request
from email.header import Header
from typing import Protocol

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage

from vanthu.notifications import conf
from vanthu.notifications.models import OutboxMessage

MAX_ERROR = 500


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message[:MAX_ERROR]
        # A permanent error (the mailbox does not exist) is not worth retrying.
        self.permanent = permanent


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None: ...


class HttpJsonSmsGateway:
    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        if not url.startswith(("http://", "https://")):
            raise DeliveryError(f"Địa chỉ cổng SMS không hợp lệ: {url!r}", permanent=True)
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to: str, text: str) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310 (scheme checked in __init__)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"Cổng SMS trả lời HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"Không kết nối được cổng SMS: {reason}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"Cổng SMS trả lời HTTP {status}")


SMS_GATEWAYS: dict[str, type] = {"http-json": HttpJsonSmsGateway}


def sms_gateway() -> SmsGateway:
    if not conf.sms_enabled():
        raise DeliveryError("Chưa cấu hình cổng SMS (VANTHU_SMS_GATEWAY_URL).")
    cls = SMS_GATEWAYS.get(conf.sms_gateway_name())
    if cls is None:
        raise DeliveryError(f"Không có loại cổng SMS «{conf.sms_gateway_name()}».")
    return cls(conf.sms_gateway_url(), conf.sms_gateway_token(), conf.sms_timeout())


def send_sms(message: OutboxMessage, gateway: SmsGateway) -> None:
    gateway.send(message.address, message.payload["text"])


def email_connection():
    """One SMTP connection for a batch; the caller closes it."""
    if not conf.email_enabled():
        raise DeliveryError("Chưa cấu hình máy chủ thư (VANTHU_SMTP_HOST).")
    return mail.mailers.default


class _FoldedSubject(str):
    """A non-ASCII Subject folded by email.header instead of the policy's folder.

    Python's modern folder (email.policy, 3.12) can split a long encoded subject so that the
    space between two words ends up between two encoded words, where RFC 2047 says readers
    drop it: "sớm nhất" arrived as "sớmnhất" (CPython gh-144156; 3.12.1 here has it).
    email.header keeps every space inside an encoded word. An object with `name` and
    `fold()` is what EmailPolicy stores and folds as it is."""

    name = "Subject"
    defects = ()

    def fold(self, *, policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(
            linesep=policy.linesep, maxlinelen=policy.max_line_length or 78
        )
        return f"{self.name}: {encoded}{policy.linesep}"


class _Email(EmailMessage):
    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)
        if not self.subject.isascii() and isinstance(msg.policy, email.policy.EmailPolicy):
            msg.replace_header("Subject", _FoldedSubject(self.subject))
        return msg


def send_email(message: OutboxMessage, connection) -> None:
    outgoing = _Email(
        subject=message.payload["subject"],
        body=message.payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={
            # Lets a receiving system recognise a resend of the same message.
            "Message-ID": f"<{message.public_id}@vanthu>",
            "Auto-Submitted": "auto-generated",
        },
    )
    try:
        connection.send_messages([outgoing])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(
            f"Máy chủ thư từ chối người nhận {message.address}: {exc.recipients}",
            permanent=all(code >= 500 for code in codes),
        ) from exc
    except ValueError as exc:  # an address Django cannot encode: retrying will not help
        raise DeliveryError(f"Địa chỉ thư không hợp lệ: {exc}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # The connection may be half-broken; the next message opens a fresh one.
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass
        raise DeliveryError(f"Lỗi gửi thư: {type(exc).__name__}: {exc}") from exc
