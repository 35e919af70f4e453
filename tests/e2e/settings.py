"""The deployments of the end-to-end tests run the real settings with one change: failed
sends to the hub are retried after a second, not half a minute, so that a test which kills
the hub sees the retry within its time budget."""

from vanthu.settings import *  # noqa: F403

VANTHU_EXCHANGE_RETRY_BASE_SECONDS = 1
VANTHU_EXCHANGE_MAX_BACKOFF_SECONDS = 2
