"""After the lead's integration: the deputy signs for the absent chairman through the real
outgoing approval, the record names both, the queue and the document page offer it, and an
expired delegation is refused by approve_signature itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.delegation.helpers import delegate
from tests.documents.helpers import advance, make_draft
from vanthu.audit.models import AuditEvent
from vanthu.delegation.models import Delegation
from vanthu.documents import actions
from vanthu.documents.models import Status
from vanthu.documents.numbering import local_today
from vanthu.errors import PermissionDenied


@pytest.fixture
def awaiting(world):
    return advance(world, make_draft(world), Status.AWAITING_SIGNATURE)


def test_the_deputy_signs_for_the_chairman_and_the_record_names_both(world, awaiting):
    delegate(world, capacity="KT.")
    actions.approve_signature(world.deputy_ubnd, awaiting, approve=True, comment="Đồng ý")
    awaiting.refresh_from_db()
    assert awaiting.status == Status.APPROVED
    assert awaiting.signer == world.leader_ubnd  # still the designated signer
    assert (awaiting.signer_name, awaiting.signer_position, awaiting.signing_capacity) == (
        "Lê Thị Phó",
        "Phó Chủ tịch",
        "KT.",
    )
    event = AuditEvent.objects.filter(action="document.approved_step").latest("id")
    assert event.actor == world.deputy_ubnd
    assert event.on_behalf_of == world.leader_ubnd
    assert event.note == "Ký thay: Lê Thị Phó thay Trần Văn Chủ Tịch (KT.). Đồng ý"
    # …and it is issued as any other approved draft.
    issued = actions.issue_document(world.clerk_ubnd, awaiting)
    assert issued.status == Status.ISSUED


def test_an_expired_delegation_is_refused_by_the_approval(world, awaiting):
    d = delegate(world)
    Delegation.objects.filter(pk=d.pk).update(
        valid_from=local_today() - timedelta(days=5), valid_to=local_today() - timedelta(days=1)
    )
    with pytest.raises(PermissionDenied, match="đã hết hạn từ ngày"):
        actions.approve_signature(world.deputy_ubnd, awaiting, approve=True)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGNATURE
    assert awaiting.signer_name == "Trần Văn Chủ Tịch"


def test_the_designated_signer_is_unchanged(world, awaiting):
    actions.approve_signature(world.leader_ubnd, awaiting, approve=True)
    event = AuditEvent.objects.filter(action="document.approved_step").latest("id")
    assert event.on_behalf_of is None and event.note == ""
    awaiting.refresh_from_db()
    assert awaiting.signer_name == "Trần Văn Chủ Tịch"


def test_the_queue_and_the_page_offer_it_to_the_substitute(world, awaiting, login):
    d = delegate(world, world.leader_ubnd, world.specialist2_ubnd, capacity="TUQ.")
    client = login(world.specialist2_ubnd)  # not a leader: sees it only through the delegation
    page = client.get(reverse("web:approvals")).content.decode()
    assert "Văn bản chờ ký duyệt — thay Trần Văn Chủ Tịch (TUQ.)" in page
    assert awaiting.subject in page
    assert "Chờ xử lý (1)" in page  # the navigation count
    detail = client.get(reverse("web:document_detail", args=[awaiting.public_id]))
    assert detail.status_code == 200
    response = client.post(
        reverse("web:document_action", args=[awaiting.public_id, "approve_signature"]),
        {"decision": "approve", "comment": ""},
    )
    assert response.status_code in (200, 302)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.APPROVED
    assert awaiting.signing_capacity == "TUQ."
    # Once approved it leaves the queue; after revocation the page is closed again.
    d.refresh_from_db()
    assert "thay Trần Văn Chủ Tịch" not in client.get(reverse("web:approvals")).content.decode()
