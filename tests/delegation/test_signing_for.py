"""Signing for an absent leader, end to end: a draft awaiting the chairman's signature, a
"sign" delegation to his deputy, the check the outgoing approval calls, the note it records
with both names, and the queue that shows the draft to the deputy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.delegation.helpers import delegate
from tests.documents.helpers import advance, make_draft
from vanthu.delegation.actions import revoke_delegation
from vanthu.delegation.models import Power
from vanthu.delegation.queues import (
    substitute_awaiting_signature,
    substitute_count,
    substitute_queue,
)
from vanthu.delegation.signing import (
    may_sign_for,
    require_sign_authority,
    substitute_note,
    substitute_signer_fields,
)
from vanthu.documents import actions as doc_actions
from vanthu.documents.models import Status
from vanthu.documents.numbering import local_today
from vanthu.errors import PermissionDenied


@pytest.fixture
def awaiting(world):
    return advance(world, make_draft(world), Status.AWAITING_SIGNATURE)


def test_the_deputy_may_sign_during_the_delegation_and_not_after(world, awaiting):
    d = delegate(world, days=2)  # today … today+2
    deputy = world.deputy_ubnd
    assert may_sign_for(deputy, awaiting) == d
    assert may_sign_for(deputy, awaiting, on=d.valid_to) == d
    assert may_sign_for(deputy, awaiting, on=d.valid_to + timedelta(days=1)) is None
    # The designated signer needs no delegation; others get none.
    assert may_sign_for(world.leader_ubnd, awaiting) is None
    assert may_sign_for(world.dept_leader_ubnd, awaiting) is None


def test_an_expired_delegation_is_refused_with_a_clear_message(world, awaiting):
    d = delegate(world, days=2)
    after = d.valid_to + timedelta(days=1)
    assert require_sign_authority(world.deputy_ubnd, awaiting) == d
    with pytest.raises(PermissionDenied) as exc:
        require_sign_authority(world.deputy_ubnd, awaiting, on=after)
    assert exc.value.message == (
        f"Ủy quyền ký thay Trần Văn Chủ Tịch đã hết hạn từ ngày {d.valid_to:%d/%m/%Y}; "
        "ông/bà không còn được ký văn bản này."
    )


def test_revoked_upcoming_and_missing_delegations_are_explained(world, awaiting):
    with pytest.raises(PermissionDenied, match="Chỉ người ký được chỉ định hoặc người được"):
        require_sign_authority(world.deputy_ubnd, awaiting)
    upcoming = delegate(world, start=2, days=1)
    with pytest.raises(PermissionDenied, match="chỉ có hiệu lực từ ngày"):
        require_sign_authority(world.deputy_ubnd, awaiting)
    assert require_sign_authority(world.deputy_ubnd, awaiting, on=upcoming.valid_from)
    revoke_delegation(world.leader_ubnd, upcoming)
    with pytest.raises(PermissionDenied, match="đã bị thu hồi"):
        require_sign_authority(world.deputy_ubnd, awaiting, on=upcoming.valid_from)
    assert require_sign_authority(world.leader_ubnd, awaiting) is None


def test_a_delegation_in_another_agency_does_not_count(world):
    doc = advance(
        world,
        make_draft(
            world,
            user=world.specialist_stc,
            agency=world.stc,
            department=world.ns_stc,
            signer=world.leader_stc,
        ),
        Status.AWAITING_SIGNATURE,
    )
    delegate(world)  # UBND's chairman → deputy: nothing to do with STC's director
    assert may_sign_for(world.deputy_ubnd, doc) is None


def test_the_note_names_both_people_and_the_capacity(world):
    d = delegate(world, capacity="TUQ.")
    assert substitute_note(d) == "Ký thay: Lê Thị Phó thay Trần Văn Chủ Tịch (TUQ.)"
    assert substitute_note(d, "Đồng ý ban hành") == (
        "Ký thay: Lê Thị Phó thay Trần Văn Chủ Tịch (TUQ.). Đồng ý ban hành"
    )
    assert substitute_note(None, "Đồng ý") == "Đồng ý"
    assert substitute_signer_fields(d) == {
        "signer_name": "Lê Thị Phó",
        "signer_position": "Phó Chủ tịch",
        "signing_capacity": "TUQ.",
    }


def test_the_substitute_queue_shows_the_principals_drafts_marked(world, awaiting):
    d = delegate(world)
    groups = substitute_queue(world.deputy_ubnd)
    assert [g.label for g in groups] == ["thay Trần Văn Chủ Tịch (KT.)"]
    assert list(groups[0].awaiting_signature) == [awaiting]
    assert list(groups[0].presented) == []
    assert list(substitute_awaiting_signature(world.deputy_ubnd)) == [awaiting]
    assert substitute_count(world.deputy_ubnd) == 1
    assert substitute_queue(world.dept_leader_ubnd) == []
    assert substitute_count(world.leader_ubnd) == 0
    # After the last day, or once revoked, the draft leaves the deputy's queue.
    after = d.valid_to + timedelta(days=1)
    assert substitute_queue(world.deputy_ubnd, on=after) == []
    assert not substitute_awaiting_signature(world.deputy_ubnd, on=after).exists()
    revoke_delegation(world.leader_ubnd, d)
    assert substitute_count(world.deputy_ubnd) == 0


def test_a_handle_delegation_brings_the_presented_incoming_documents(world):
    from tests.documents.helpers import register

    doc = register(world)
    doc_actions.present_to_leader(world.clerk_ubnd, doc, world.leader_ubnd)
    delegate(world, to=world.dept_leader_ubnd, power=Power.HANDLE, capacity="")
    groups = substitute_queue(world.dept_leader_ubnd)
    assert [list(g.presented) for g in groups] == [[doc]]
    assert substitute_count(world.dept_leader_ubnd) == 1


def test_a_secret_draft_stays_with_the_people_named_on_it(world):
    secret = advance(world, make_draft(world, secrecy="confidential"), Status.AWAITING_SIGNATURE)
    delegate(world)
    assert not substitute_awaiting_signature(world.deputy_ubnd).filter(pk=secret.pk).exists()
    secret.named_readers.add(world.deputy_ubnd)
    assert substitute_awaiting_signature(world.deputy_ubnd).filter(pk=secret.pk).exists()


def test_local_today_is_the_default_day(world, awaiting):
    # The helpers and the register agree on "today" (Vietnam's calendar day).
    d = delegate(world, days=0)
    assert d.valid_from == d.valid_to == local_today()
    assert may_sign_for(world.deputy_ubnd, awaiting) == d
