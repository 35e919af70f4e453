"""The notification settings, read at call time (tests change them) with the defaults the
settings module documents: a channel that is not configured is off, never half-on."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_enabled() -> bool:
    """E-mail goes out only when an SMTP server was named (VANTHU_SMTP_HOST)."""
    return bool(getattr(settings, "VANTHU_EMAIL_ENABLED", False))


def email_backend() -> str:
    # Not settings.EMAIL_BACKEND: the test runner swaps that for locmem, and the outbox must
    # talk to the configured SMTP server in tests too.
    return getattr(settings, "VANTHU_EMAIL_BACKEND", SMTP_BACKEND)


def sms_gateway_url() -> str:
    return getattr(settings, "VANTHU_SMS_GATEWAY_URL", "")


def sms_enabled() -> bool:
    return bool(sms_gateway_url())


def sms_gateway_name() -> str:
    return getattr(settings, "VANTHU_SMS_GATEWAY", "http-json")


def sms_gateway_token() -> str:
    return getattr(settings, "VANTHU_SMS_GATEWAY_TOKEN", "")


def sms_timeout() -> float:
    return float(getattr(settings, "VANTHU_SMS_TIMEOUT", 10))


def max_attempts() -> int:
    return int(getattr(settings, "VANTHU_NOTIFY_MAX_ATTEMPTS", 6))


def retry_base() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "VANTHU_NOTIFY_RETRY_BASE_SECONDS", 60)))


def public_url() -> str:
    return getattr(settings, "VANTHU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


# A pending message older than this is shown to administrators as stuck.
STUCK_AFTER = timedelta(minutes=30)
# While one sender works on a message, others leave it alone for this long; a sender that
# died mid-way lets the message become due again afterwards (at-least-once delivery).
CLAIM_LEASE = timedelta(minutes=5)
# Waits never grow beyond this, however many attempts are allowed.
MAX_BACKOFF = timedelta(hours=6)
