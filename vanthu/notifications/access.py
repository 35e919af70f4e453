"""Who may see which notification: only its recipient. Anyone else, including an
administrator, gets the same 404 as for an id that does not exist."""

from __future__ import annotations

from django.http import Http404

from vanthu.directory.access import require_admin_or_404
from vanthu.notifications.models import Notification, OutboxMessage


def notifications_of(user):
    return Notification.objects.filter(recipient=user)


def get_notification_for_user(user, public_id) -> Notification:
    notification = notifications_of(user).filter(public_id=public_id).first()
    if notification is None:
        raise Http404
    return notification


def get_outbox_message_for_admin(user, public_id) -> OutboxMessage:
    require_admin_or_404(user)
    message = OutboxMessage.objects.filter(public_id=public_id).first()
    if message is None:
        raise Http404
    return message
