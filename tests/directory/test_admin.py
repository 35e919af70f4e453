"""Django admin: superusers can look the directory up but not change it there."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def superuser_client(world, login):
    world.outsider.is_staff = world.outsider.is_superuser = True
    world.outsider.save()
    return login(world.outsider)


@pytest.mark.parametrize("model", ["agency", "department", "user", "membership", "apitoken"])
def test_superusers_can_list_and_search_but_not_add(superuser_client, model):
    url = reverse(f"admin:directory_{model}_changelist")
    assert superuser_client.get(url, {"q": "H41"}).status_code == 200
    assert superuser_client.get(reverse(f"admin:directory_{model}_add")).status_code == 403


def test_an_agency_opens_read_only(superuser_client, world):
    response = superuser_client.get(reverse("admin:directory_agency_change", args=[world.ubnd.pk]))
    assert response.status_code == 200
    assert b'name="code"' not in response.content  # shown as text, not as an input


def test_staff_without_superuser_cannot_see_the_directory(world, login):
    world.clerk_ubnd.is_staff = True
    world.clerk_ubnd.save()
    response = login(world.clerk_ubnd).get(reverse("admin:directory_agency_changelist"))
    assert response.status_code == 403
