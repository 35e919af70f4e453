"""acting_for and principals_of: the contract other apps rely on."""

from __future__ import annotations

from datetime import timedelta

from tests.delegation.helpers import delegate
from vanthu.delegation.access import acting_for, principals_of
from vanthu.delegation.actions import revoke_delegation
from vanthu.delegation.models import Power
from vanthu.directory.models import Membership
from vanthu.documents.numbering import local_today


def test_acting_for_holds_from_the_first_to_the_last_day_inclusive(world):
    d = delegate(world, start=2, days=3)  # valid on today+2 … today+5
    deputy, leader = world.deputy_ubnd, world.leader_ubnd
    first, last = d.valid_from, d.valid_to
    assert acting_for(deputy, leader, power=Power.SIGN, on=first - timedelta(days=1)) is None
    assert acting_for(deputy, leader, power=Power.SIGN, on=first) == d
    assert acting_for(deputy, leader, power=Power.SIGN, on=last) == d
    assert acting_for(deputy, leader, power=Power.SIGN, on=last + timedelta(days=1)) is None


def test_acting_for_defaults_to_today_and_checks_the_power_and_direction(world):
    d = delegate(world)
    deputy, leader = world.deputy_ubnd, world.leader_ubnd
    assert acting_for(deputy, leader, power=Power.SIGN) == d
    assert acting_for(deputy, leader.pk, power=Power.SIGN) == d  # a primary key works too
    assert acting_for(deputy, leader, power=Power.HANDLE) is None
    assert acting_for(leader, deputy, power=Power.SIGN) is None  # never the other way round
    assert acting_for(world.dept_leader_ubnd, leader, power=Power.SIGN) is None


def test_a_revoked_delegation_no_longer_counts(world):
    d = delegate(world)
    revoke_delegation(world.leader_ubnd, d)
    assert acting_for(world.deputy_ubnd, world.leader_ubnd, power=Power.SIGN) is None
    assert principals_of(world.deputy_ubnd, power=Power.SIGN) == []


def test_it_lapses_when_the_delegate_leaves_the_agency(world):
    delegate(world, days=10)
    Membership.objects.filter(user=world.deputy_ubnd).update(
        valid_to=local_today() + timedelta(days=2)
    )
    on = local_today() + timedelta(days=3)
    assert acting_for(world.deputy_ubnd, world.leader_ubnd, power=Power.SIGN, on=on) is None
    assert acting_for(world.deputy_ubnd, world.leader_ubnd, power=Power.SIGN) is not None


def test_principals_of_lists_the_people_stood_in_for(world):
    delegate(world)  # the chairman → deputy (sign)
    delegate(
        world,
        world.dept_leader_ubnd,
        world.deputy_ubnd,
        by=world.leader_ubnd,
        power=Power.HANDLE,
        capacity="",
    )
    delegate(world, world.leader_ubnd, world.deputy_ubnd, power=Power.HANDLE, capacity="")
    assert principals_of(world.deputy_ubnd, power=Power.SIGN) == [world.leader_ubnd]
    # Sorted by name: Phạm Văn Trưởng Phòng, Trần Văn Chủ Tịch.
    assert principals_of(world.deputy_ubnd, power=Power.HANDLE) == [
        world.dept_leader_ubnd,
        world.leader_ubnd,
    ]
    assert principals_of(world.leader_ubnd, power=Power.SIGN) == []
    later = local_today() + timedelta(days=3)  # the last of four days
    assert principals_of(world.deputy_ubnd, power=Power.SIGN, on=later) == [world.leader_ubnd]
    assert principals_of(world.deputy_ubnd, power=Power.SIGN, on=later + timedelta(1)) == []


def test_anonymous_users_stand_in_for_nobody(world):
    from django.contrib.auth.models import AnonymousUser

    delegate(world)
    assert acting_for(AnonymousUser(), world.leader_ubnd, power=Power.SIGN) is None
    assert principals_of(AnonymousUser(), power=Power.SIGN) == []


def test_each_lookup_is_one_query(world, django_assert_num_queries):
    delegate(world)
    with django_assert_num_queries(1):
        d = acting_for(world.deputy_ubnd, world.leader_ubnd, power=Power.SIGN)
        assert d.principal.full_name == "Trần Văn Chủ Tịch"  # fetched with the delegation
    with django_assert_num_queries(1):
        principals_of(world.deputy_ubnd, power=Power.SIGN)
