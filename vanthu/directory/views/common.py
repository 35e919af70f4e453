"""What every directory page shares: the admin-only gate and the audit history panel."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required

from vanthu.audit.events import history_of
from vanthu.audit.labels import EVENT_LABELS
from vanthu.directory.access import require_admin_or_404
from vanthu.web.views.common import attach_errors, paginate

__all__ = ["admin_view", "attach_errors", "history_rows", "paginate", "posted"]

HISTORY_LENGTH = 20


def admin_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_admin_or_404(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def posted(request, *, files: bool = False):
    """The submitted data, or None for a GET. Unlike `request.POST or None`, an empty
    submission still binds the form, so it answers with "required" errors."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def history_rows(obj) -> list[dict]:
    """The latest audit events of `obj`, newest first, with the changed values side by side."""
    rows = []
    for event in reversed(history_of(obj)[-HISTORY_LENGTH:]):
        before, after = event.before or {}, event.after or {}
        changes = [(key, before.get(key), value) for key, value in after.items()]
        rows.append(
            {
                "at": event.at,
                "actor": event.actor,
                "label": EVENT_LABELS.get(event.action, event.action),
                "changes": changes,
            }
        )
    return rows
