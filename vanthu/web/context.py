"""Navigation counts shown on every page (the user's queues)."""

from __future__ import annotations


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from vanthu.web.queues import queue_counts

    return {"nav_counts": queue_counts(user)}
