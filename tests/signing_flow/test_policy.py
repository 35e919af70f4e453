"""Arrival policy: an agency that refuses unsigned (or invalid) documents returns them to the
sender automatically, through the same path as a clerk's refusal (status 02 with the reason,
an audit event without an actor); untrusted signatures are never refused automatically."""

from __future__ import annotations

import pytest

from tests.documents.helpers import advance, make_draft
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Status
from vanthu.errors import PermissionDenied
from vanthu.exchange.models import StatusCode
from vanthu.signing import policy
from vanthu.signing.models import SignatureCheck, SigningPolicy


def _issue_to_stc(world):
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.ISSUED)
    delivery = doc.deliveries.get()
    return delivery, delivery.incoming_document


def test_an_unsigned_arrival_is_refused_and_the_sender_sees_02_with_the_reason(world):
    policy.update_policy(world.leader_stc, world.stc, refuse_unsigned=True, refuse_invalid=False)
    delivery, incoming = _issue_to_stc(world)

    incoming.refresh_from_db()
    assert incoming.status == Status.REFUSED
    assert incoming.refusal_reason.startswith("Tự động từ chối theo quy định của cơ quan")
    assert "chưa được ký số" in incoming.refusal_reason
    delivery.refresh_from_db()
    assert delivery.status == StatusCode.REJECTED
    timeline = list(delivery.events.order_by("id").values_list("status", "note", "actor"))
    assert [status for status, _, _ in timeline] == [StatusCode.ARRIVED, StatusCode.REJECTED]
    assert timeline[-1][1] == incoming.refusal_reason and timeline[-1][2] is None

    event = AuditEvent.objects.get(action="document.refused", object_id=str(incoming.public_id))
    assert event.actor is None and event.agency == world.stc
    assert event.note.startswith("Tự động từ chối theo quy định của cơ quan")
    assert event.before["status"] == Status.ARRIVED and event.after["status"] == Status.REFUSED


def test_without_a_policy_the_arrival_waits_for_the_clerk(world):
    delivery, incoming = _issue_to_stc(world)
    assert incoming.status == Status.ARRIVED
    delivery.refresh_from_db()
    assert delivery.status == StatusCode.ARRIVED


def test_refuse_invalid_does_not_refuse_an_unsigned_or_untrusted_document(world):
    policy.update_policy(world.leader_stc, world.stc, refuse_unsigned=False, refuse_invalid=True)
    _, incoming = _issue_to_stc(world)
    incoming.refresh_from_db()
    assert incoming.status == Status.ARRIVED


@pytest.mark.parametrize(
    ("verdict", "unsigned", "invalid", "refused"),
    [
        ("unsigned", True, False, True),
        ("invalid", False, True, True),
        ("invalid", True, False, False),
        ("untrusted", True, True, False),
        ("valid", True, True, False),
    ],
)
def test_refusal_reason_per_verdict(world, verdict, unsigned, invalid, refused):
    SigningPolicy.objects.create(agency=world.stc, refuse_unsigned=unsigned, refuse_invalid=invalid)
    check = SignatureCheck(
        verdict=verdict,
        report={"signatures": [{"reasons": ["Nội dung đã bị thay đổi sau khi ký."]}]},
    )
    reason = policy.refusal_reason(world.stc, check)
    assert (reason is not None) == refused
    if verdict == "invalid" and refused:
        assert "Nội dung đã bị thay đổi sau khi ký." in reason


def test_a_main_file_that_is_not_a_pdf_counts_as_unsigned(world):
    SigningPolicy.objects.create(agency=world.stc, refuse_unsigned=True)
    assert "không phải PDF" in policy.refusal_reason(world.stc, None)


def test_only_leaders_and_administrators_change_the_policy(world):
    with pytest.raises(PermissionDenied):
        policy.update_policy(world.clerk_stc, world.stc, refuse_unsigned=True, refuse_invalid=True)
    with pytest.raises(PermissionDenied):
        policy.update_policy(
            world.leader_ubnd, world.stc, refuse_unsigned=True, refuse_invalid=True
        )
    policy.update_policy(world.admin, world.stc, refuse_unsigned=True, refuse_invalid=True)
    event = AuditEvent.objects.get(action="signing.policy_updated")
    assert event.actor == world.admin and event.after == {
        "refuse_unsigned": True,
        "refuse_invalid": True,
    }
