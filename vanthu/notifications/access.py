"""Who may see which notification: only its recipient. Anyone else, including an
administrator, gets the same 404 as for an id that does not exist."""

from __future__ import annotations

from django.http import Http404

from vanthu.directory.access import require_admin_or_404, roles_of
from vanthu.directory.models import Agency, Role
from vanthu.notifications.models import ExchangeContact, Notification, OutboxMessage


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


# --- exchange contacts ------------------------------------------------------------------------
# An agency's clerks and leaders name its contacts (the clerk usually runs the exchange);
# system administrators may do it for any agency. Everyone else gets 404, as elsewhere.

CONTACT_MANAGER_ROLES = (Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN)


def may_manage_contacts(user, agency_id: int) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.has(agency_id, *CONTACT_MANAGER_ROLES)


def agencies_for_contacts(user):
    """The agencies whose contacts `user` manages, by name."""
    roles = roles_of(user)
    if roles.is_admin:
        return Agency.objects.filter(valid_to__isnull=True).order_by("name")
    return Agency.objects.filter(pk__in=roles.agencies_with(*CONTACT_MANAGER_ROLES)).order_by(
        "name"
    )


def get_contact_for_manager(user, public_id) -> ExchangeContact:
    contact = (
        ExchangeContact.objects.select_related("agency", "user").filter(public_id=public_id).first()
    )
    if contact is None or not may_manage_contacts(user, contact.agency_id):
        raise Http404
    return contact
