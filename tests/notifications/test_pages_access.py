"""Permission matrix of every notifications URL: the persona allowed, and who is refused.
(The same entries go to tests/test_meta.py PAGES.)"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from vanthu.notifications.models import (
    ExchangeContact,
    Notification,
    OutboxMessage,
    OutboxStatus,
)


def _notification_kwargs(world):
    notification = Notification.objects.create(
        recipient=world.specialist_ubnd, kind="assignment", title="Được giao xử lý"
    )
    return {"public_id": notification.public_id}


def _outbox_kwargs(world):
    message = OutboxMessage.objects.create(
        recipient=world.specialist_ubnd,
        channel="sms",
        address="0912345678",
        payload={"text": "[VanThu] Chỉ đạo"},
        status=OutboxStatus.FAILED,
        attempts=6,
        next_attempt_at=timezone.now(),
    )
    return {"public_id": message.public_id}


def _contact_kwargs(world):
    contact = ExchangeContact.objects.create(
        agency=world.ubnd, user=world.clerk_ubnd, added_at=timezone.now()
    )
    return {"public_id": contact.public_id}


# name -> (allowed persona, kwargs builder, method, allowed status, refused personas)
MATRIX = {
    "notifications:list": ("specialist_ubnd", None, "get", 200, ()),
    "notifications:unread_count": ("specialist_ubnd", None, "get", 200, ()),
    "notifications:mark_all_read": ("specialist_ubnd", None, "post", 302, ()),
    "notifications:preferences": ("specialist_ubnd", None, "get", 200, ()),
    "notifications:open": (
        "specialist_ubnd",
        _notification_kwargs,
        "get",
        200,
        ("outsider", "specialist2_ubnd", "admin"),
    ),
    "notifications:outbox_admin": (
        "admin",
        None,
        "get",
        200,
        ("outsider", "leader_ubnd", "clerk_ubnd"),
    ),
    # An agency's clerk, leader or an administrator; a manager of another agency is refused.
    "notifications:contacts": (
        "clerk_ubnd",
        None,
        "get",
        200,
        ("outsider", "specialist_ubnd", "dept_leader_ubnd"),
    ),
    # An empty submission is answered 400 ("choose someone") to those who may add.
    "notifications:contact_add": (
        "leader_ubnd",
        None,
        "post",
        400,
        ("outsider", "specialist_ubnd", "dept_leader_ubnd"),
    ),
    "notifications:contact_remove": (
        "clerk_ubnd",
        _contact_kwargs,
        "post",
        302,
        ("outsider", "specialist_ubnd", "clerk_stc", "leader_stc"),
    ),
    "notifications:outbox_retry": (
        "admin",
        _outbox_kwargs,
        "post",
        302,
        ("outsider", "leader_ubnd", "clerk_ubnd"),
    ),
}


def test_every_notifications_url_is_in_the_matrix():
    from tests.test_meta import _named_patterns

    ours = {name for name in _named_patterns() if name.startswith("notifications:")}
    assert ours == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_allowed_and_refused(channels_off, client, world, name):
    persona, kwargs_builder, method, status, refused = MATRIX[name]
    url = reverse(name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    client.force_login(getattr(world, persona))
    assert getattr(client, method)(url).status_code == status
    for other in refused:
        client.force_login(getattr(world, other))
        assert getattr(client, method)(url).status_code == 404, other
    client.logout()
    anonymous = getattr(client, method)(url)
    expected = 204 if name == "notifications:unread_count" else 302
    assert anonymous.status_code == expected
    if expected == 302:
        assert anonymous["Location"].startswith(reverse("web:login"))
