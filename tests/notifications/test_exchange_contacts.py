"""Exchange contacts (đầu mối tiếp nhận văn bản điện tử): naming and removing them, the
arrival alert they get when LocalTransport delivers a document, and the page that manages
them. The full delivery by SMS and e-mail is in test_arrival_delivery.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from tests.documents.helpers import arrived_at_stc
from vanthu.audit.models import AuditEvent
from vanthu.directory.models import Membership
from vanthu.documents.models import Document
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.notifications.contacts import add_contact, arrival_recipients, remove_contact
from vanthu.notifications.models import ExchangeContact, Notification


def _arrivals():
    return Notification.objects.filter(kind="arrival").order_by("recipient_id")


# --- naming and removing ------------------------------------------------------------------


def test_a_clerk_names_a_member_and_the_register_keeps_who_and_when(channels_off, world):
    contact = add_contact(world.clerk_stc, world.stc, world.leader_stc)
    assert (contact.agency, contact.user, contact.active) == (world.stc, world.leader_stc, True)
    assert contact.added_by == world.clerk_stc
    event = AuditEvent.objects.get(action="notifications.contact_added")
    assert (event.actor, event.agency, event.object_id) == (
        world.clerk_stc,
        world.stc,
        str(contact.public_id),
    )
    assert "Đặng Văn Giám Đốc" in event.note
    assert arrival_recipients(world.stc) == [world.leader_stc]


def test_removal_keeps_the_row_and_naming_again_reactivates_it(channels_off, world):
    contact = add_contact(world.clerk_stc, world.stc, world.leader_stc)
    remove_contact(world.leader_stc, contact)
    contact.refresh_from_db()
    assert not contact.active and contact.removed_at is not None
    assert AuditEvent.objects.filter(action="notifications.contact_removed").count() == 1
    with pytest.raises(InvalidTransition):
        remove_contact(world.clerk_stc, contact)  # already removed: nothing recorded twice
    assert AuditEvent.objects.filter(action="notifications.contact_removed").count() == 1
    # Nobody named: the clerks hear of arrivals.
    assert arrival_recipients(world.stc) == [world.clerk_stc]

    again = add_contact(world.clerk_stc, world.stc, world.leader_stc)
    assert again.pk == contact.pk and again.active and again.removed_at is None
    assert ExchangeContact.objects.count() == 1


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("specialist_ubnd", "không phải cán bộ đang công tác tại Sở Tài chính"),
        ("outsider", "không phải cán bộ đang công tác"),
        (None, "Hãy chọn người làm đầu mối."),
    ],
)
def test_only_a_current_member_of_the_agency_can_be_named(channels_off, world, member, message):
    with pytest.raises(ValidationFailed) as caught:
        add_contact(world.clerk_stc, world.stc, getattr(world, member) if member else None)
    assert message in caught.value.errors["user"]
    assert not ExchangeContact.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="notifications.contact").exists()


def test_naming_the_same_person_twice_is_refused(channels_off, world):
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    with pytest.raises(ValidationFailed) as caught:
        add_contact(world.leader_stc, world.stc, world.leader_stc)
    assert "đã là đầu mối" in caught.value.errors["user"]
    assert AuditEvent.objects.filter(action="notifications.contact_added").count() == 1


@pytest.mark.parametrize("persona", ["specialist_stc", "dept_leader_stc", "clerk_ubnd"])
def test_only_the_agency_clerks_leaders_and_admins_manage_contacts(channels_off, world, persona):
    with pytest.raises(PermissionDenied):
        add_contact(getattr(world, persona), world.stc, world.leader_stc)
    contact = add_contact(world.admin, world.stc, world.leader_stc)  # a system administrator
    with pytest.raises(PermissionDenied):
        remove_contact(getattr(world, persona), contact)
    assert ExchangeContact.objects.get().active


# --- the arrival alert --------------------------------------------------------------------


def test_an_arrival_alerts_the_active_contacts_only(channels_off, world):
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    incoming = arrived_at_stc(world)
    (alert,) = _arrivals()
    assert alert.recipient == world.leader_stc
    assert alert.title == f"Văn bản đến: {incoming.reference} — {incoming.issuer_name}"
    assert incoming.reference and incoming.issuer_name == "Ủy ban nhân dân tỉnh Nghệ An"
    assert alert.url == reverse("web:document_detail", args=[incoming.public_id])
    assert alert.body == incoming.subject
    assert alert.actor is None  # it came from the exchange, not from a person here


def test_without_contacts_the_clerks_are_alerted(channels_off, world):
    incoming = arrived_at_stc(world)
    (alert,) = _arrivals()
    assert alert.recipient == world.clerk_stc
    assert alert.url == reverse("web:document_detail", args=[incoming.public_id])


def test_a_contact_who_left_the_agency_is_skipped(channels_off, world):
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    Membership.objects.filter(user=world.leader_stc).update(valid_to=date(2001, 1, 1))
    arrived_at_stc(world)
    assert [n.recipient for n in _arrivals()] == [world.clerk_stc]


def test_a_contact_who_cannot_open_the_document_gets_no_dead_link(channels_off, world):
    add_contact(world.clerk_stc, world.stc, world.specialist_stc)
    arrived_at_stc(world)
    (alert,) = _arrivals()
    assert alert.recipient == world.specialist_stc and alert.url == ""
    # The notification page itself shows it instead.
    from django.test import Client

    client = Client()
    client.force_login(world.specialist_stc)
    page = client.get(reverse("notifications:open", args=[alert.public_id]))
    assert page.status_code == 200 and alert.title in page.content.decode()


def test_the_alert_rolls_back_with_the_arrival(channels_off, world):
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    documents = Document.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        arrived_at_stc(world)
        assert _arrivals().count() == 1
        raise RuntimeError("the issuing transaction fails after the delivery")
    assert not _arrivals().exists()
    assert Document.objects.count() == documents


# --- the page -----------------------------------------------------------------------------


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("notifications:contacts"), params)


def test_the_page_lists_contacts_and_members_to_choose(channels_off, client, world):
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    html = _page(client, world.clerk_stc).content.decode()
    assert "Đầu mối tiếp nhận văn bản điện tử — Sở Tài chính tỉnh Nghệ An" in html
    assert "Đặng Văn Giám Đốc" in html and "Thôi làm đầu mối" in html
    assert str(world.specialist_stc.public_id) in html  # may be chosen
    assert str(world.specialist_ubnd.public_id) not in html  # another agency's official


def test_without_contacts_the_page_says_the_clerks_are_alerted(channels_off, client, world):
    html = _page(client, world.leader_stc).content.decode()
    assert "Cơ quan chưa có đầu mối" in html and "Vũ Thị Thư Sở" in html


def test_adding_and_removing_through_the_page(channels_off, client, world):
    client.force_login(world.clerk_stc)
    response = client.post(
        reverse("notifications:contact_add"),
        {"agency": world.stc.code, "user": str(world.dept_leader_stc.public_id)},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('notifications:contacts')}?co-quan={world.stc.code}"
    contact = ExchangeContact.objects.get()
    assert (contact.user, contact.active) == (world.dept_leader_stc, True)

    response = client.post(reverse("notifications:contact_remove", args=[contact.public_id]))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert not contact.active
    assert AuditEvent.objects.filter(action__startswith="notifications.contact").count() == 2


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("", "Hãy chọn người làm đầu mối."),
        ("not-a-uuid", "Không tìm thấy người được chọn."),
        ("specialist_ubnd", "không phải cán bộ đang công tác tại Sở Tài chính"),
    ],
)
def test_a_bad_choice_is_answered_400_and_saves_nothing(channels_off, client, world, user, message):
    client.force_login(world.clerk_stc)
    value = str(getattr(world, user).public_id) if hasattr(world, user) else user
    response = client.post(
        reverse("notifications:contact_add"), {"agency": world.stc.code, "user": value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExchangeContact.objects.exists()


def test_an_administrator_chooses_the_agency_others_see_only_their_own(channels_off, client, world):
    html = _page(client, world.admin, **{"co-quan": world.stc.code}).content.decode()
    assert "— Sở Tài chính tỉnh Nghệ An" in html
    # The clerk of UBND tỉnh cannot open or change Sở Tài chính's contacts.
    assert _page(client, world.clerk_ubnd, **{"co-quan": world.stc.code}).status_code == 404
    response = client.post(
        reverse("notifications:contact_add"),
        {"agency": world.stc.code, "user": str(world.leader_stc.public_id)},
    )
    assert response.status_code == 404
    assert not ExchangeContact.objects.exists()


def test_a_former_contact_is_listed_apart(channels_off, client, world):
    contact = add_contact(world.clerk_stc, world.stc, world.leader_stc)
    remove_contact(world.clerk_stc, contact)
    html = _page(client, world.clerk_stc).content.decode()
    assert "Đã thôi làm đầu mối" in html and "Cơ quan chưa có đầu mối" in html
