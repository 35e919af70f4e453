"""Every directory page: allowed for an administrator, 404 for anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vanthu.directory.models import Membership

PAGES = [
    ("directory:index", lambda w: {}),
    ("directory:agency_create", lambda w: {}),
    ("directory:agency_detail", lambda w: {"code": w.ubnd.code}),
    ("directory:agency_edit", lambda w: {"code": w.ubnd.code}),
    ("directory:department_create", lambda w: {"code": w.ubnd.code}),
    ("directory:department_edit", lambda w: {"code": w.ubnd.code, "department_code": "VP"}),
    ("directory:agency_import", lambda w: {}),
    ("directory:user_list", lambda w: {}),
    ("directory:user_create", lambda w: {}),
    ("directory:user_detail", lambda w: {"public_id": w.clerk_ubnd.public_id}),
]
ACTIONS = [
    ("directory:membership_add", {"agency": "000.00.00.H41", "role": "admin"}),
    ("directory:membership_end", {"membership": "0", "valid_to": "2026-01-01"}),
    ("directory:user_set_active", {"active": "0"}),
]


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_administrators_see_every_page(world, login, name, kwargs):
    response = login(world.admin).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    assert b"Danh b\xe1\xba\xa1" in response.content  # "Danh bạ" in the navigation


@pytest.mark.parametrize("persona", ["clerk_ubnd", "outsider", "leader_ubnd"])
@pytest.mark.parametrize("name,kwargs", PAGES)
def test_other_people_get_404(world, login, persona, name, kwargs):
    response = login(getattr(world, persona)).get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["clerk_ubnd", "outsider"])
@pytest.mark.parametrize("name,data", ACTIONS)
def test_other_people_cannot_post_either(world, login, persona, name, data):
    client = login(getattr(world, persona))
    target = world.clerk_xa.public_id
    assert client.post(reverse(name, kwargs={"public_id": target}), data).status_code == 404
    assert client.get(reverse(name, kwargs={"public_id": target})).status_code == 404
    world.clerk_xa.refresh_from_db()
    assert world.clerk_xa.is_active
    assert Membership.objects.filter(user=world.clerk_xa, valid_to__isnull=True).count() == 1
    assert not Membership.objects.filter(user=world.clerk_xa, role="admin").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get(reverse("directory:index"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_unknown_codes_are_404_for_administrators_too(world, login):
    client = login(world.admin)
    assert client.get(reverse("directory:agency_detail", args=["000.00.00.X99"])).status_code == 404
    url = reverse("directory:department_edit", args=[world.stc.code, "VP"])
    assert client.get(url).status_code == 404  # VP belongs to UBND, not to the Sở


def test_the_navigation_shows_the_directory_to_administrators_only(world, login):
    url = reverse("directory:index")
    assert url in login(world.admin).get(reverse("web:dashboard")).content.decode()
    assert url not in login(world.clerk_ubnd).get(reverse("web:dashboard")).content.decode()
