"""Vietnamese labels for persisted codes (audit actions, statuses)."""

from django import template

from vanthu.audit.labels import event_label
from vanthu.documents.models import Status

register = template.Library()

_STATUS = dict(Status.choices)


register.filter("event_label", event_label)


@register.filter
def status_label(code: str) -> str:
    return _STATUS.get(code, code)
