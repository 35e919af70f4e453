"""Recall, update and replace after issue, as actions (STYLE rule 1). The names other apps
call (`feedback.record_status` → `request_answered`; the transports → `receive_request`)
are importable from here."""

from vanthu.recalls.actions.receiving import answer_request, receive_request
from vanthu.recalls.actions.sending import (
    request_answered,
    request_recall,
    request_replace,
    request_update,
)

__all__ = [
    "answer_request",
    "receive_request",
    "request_answered",
    "request_recall",
    "request_replace",
    "request_update",
]
