"""Builders for the delegation tests: registrations go through the action, as a user's would."""

from __future__ import annotations

from datetime import timedelta

from vanthu.delegation.actions import DelegationInput, create_delegation
from vanthu.delegation.models import Power
from vanthu.documents.numbering import local_today


def delegation_input(principal, delegate, *, days=3, start=0, **fields) -> DelegationInput:
    today = local_today()
    values = {
        "principal": principal,
        "delegate": delegate,
        "power": Power.SIGN,
        "capacity": "KT.",
        "valid_from": today + timedelta(days=start),
        "valid_to": today + timedelta(days=start + days),
        "reason": "Đi công tác tại Hà Nội",
    }
    values.update(fields)
    return DelegationInput(**values)


def delegate(world, principal=None, to=None, *, by=None, agency=None, **fields):
    """By default the chairman of UBND tỉnh has his deputy sign for him (KT.) for 4 days."""
    principal = principal or world.leader_ubnd
    return create_delegation(
        by or principal,
        agency or world.ubnd,
        delegation_input(principal, to or world.deputy_ubnd, **fields),
    )
