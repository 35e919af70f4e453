"""The exchange settings, read at call time (tests change them) with safe defaults: without
VANTHU_HUB_URL the deployment has no hub, and only the local transport is usable."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def hub_url() -> str:
    return getattr(settings, "VANTHU_HUB_URL", "").rstrip("/")


def hub_system_id() -> str:
    return getattr(settings, "VANTHU_HUB_SYSTEM_ID", "")


def hub_secret() -> str:
    return getattr(settings, "VANTHU_HUB_SECRET", "")


def hub_configured() -> bool:
    return bool(hub_url() and hub_system_id() and hub_secret())


def hub_timeout() -> float:
    return float(getattr(settings, "VANTHU_HUB_TIMEOUT", 30))


def poll_seconds() -> float:
    """Pause between two rounds of the worker (send the due packages, poll the hub)."""
    return float(getattr(settings, "VANTHU_EXCHANGE_POLL_SECONDS", 15))


def retry_base() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "VANTHU_EXCHANGE_RETRY_BASE_SECONDS", 30)))


def max_backoff() -> timedelta:
    # A hub down for a day is retried hourly, not forgotten: an issued document must reach
    # its recipient however long the outage (the clerk sees it waiting on /lien-thong/).
    return timedelta(seconds=float(getattr(settings, "VANTHU_EXCHANGE_MAX_BACKOFF_SECONDS", 3600)))


# A worker that claimed a package and died leaves it for this long before another worker
# takes it again (the hub's idempotent sendEdoc makes the second send harmless).
CLAIM_LEASE = timedelta(minutes=5)
# Packages per worker round; a full round goes again at once.
BATCH = 50
# A pending package older than this is shown to the clerks as stuck.
STUCK_AFTER = timedelta(minutes=30)
