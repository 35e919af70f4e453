"""Replace (edXML business type 3): a new issued document replaces an old one; each
recipient gets the new document by its own delivery and a replace request on its old copy."""

from __future__ import annotations

import pytest

from tests.documents.helpers import make_draft, make_issued
from tests.recalls.helpers import delivery_to, events_of, fresh, issue_to, timeline
from vanthu.audit.models import AuditEvent
from vanthu.errors import ValidationFailed
from vanthu.recalls import actions
from vanthu.recalls.models import ExchangeRequest, ReceivedRequest
from vanthu.recalls.selectors import incoming_panel

pytestmark = pytest.mark.django_db


def test_replace_agreed_links_the_old_copy_to_the_new_one(world):
    old, old_copies = issue_to(world, world.stc)
    new, new_copies = issue_to(world, world.stc, subject="Về việc bổ sung kinh phí (thay thế)")
    (request,) = actions.request_replace(
        world.clerk_ubnd, old, new, "Ban hành văn bản thay thế do sai nội dung."
    )
    assert request.replacement == new
    old_copy, new_copy = old_copies[world.stc.code], new_copies[world.stc.code]
    received = ReceivedRequest.objects.get(incoming=old_copy)
    assert received.kind == "replace" and received.replacement == new_copy
    # The new document had already gone to Sở Tài chính: no second delivery.
    assert new.deliveries.count() == 1

    actions.answer_request(world.clerk_stc, received, agree=True)
    assert fresh(old_copy).status == "replaced"
    assert fresh(new_copy).status == "arrived"
    assert timeline(old, world.stc) == ["01", "15"]
    event = AuditEvent.objects.get(action="recalls.copy_replaced")
    assert event.after["replaced_by"] == str(new_copy.public_id)
    assert events_of(old)[-2:] == ["recalls.replace_requested", "recalls.recipient_agreed"]
    old_panel = incoming_panel(world.clerk_stc, fresh(old_copy))
    assert old_panel["replaced"] and old_panel["replaced_by"] == new_copy
    assert incoming_panel(world.clerk_stc, new_copy)["replaces"] == [old_copy]


def test_the_new_document_is_delivered_to_recipients_that_did_not_have_it(world):
    old, old_copies = issue_to(world, world.stc, world.xa)
    new = make_issued(world, recipients=[], subject="Văn bản thay thế")
    assert not new.deliveries.exists()
    (request,) = actions.request_replace(world.clerk_ubnd, old, new, "", recipients=[world.xa])
    assert request.reason == "Văn bản thay thế"
    delivery = delivery_to(new, world.xa)
    assert delivery.incoming_document is not None
    assert list(new.recipient_agencies.all()) == [world.xa]
    assert timeline(new, world.xa) == ["01"]
    received = ReceivedRequest.objects.get(incoming=old_copies[world.xa.code])
    assert received.replacement == delivery.incoming_document
    # Sở Tài chính was not chosen: it keeps its copy and gets nothing.
    assert not ReceivedRequest.objects.filter(incoming=old_copies[world.stc.code]).exists()
    assert not new.deliveries.filter(recipient=world.stc).exists()


def test_replace_refused_leaves_the_old_copy(world):
    old, old_copies = issue_to(world, world.stc)
    new, _ = issue_to(world, world.stc, subject="Văn bản thay thế")
    actions.request_replace(world.clerk_ubnd, old, new, "Thay thế.")
    received = ReceivedRequest.objects.get(incoming=old_copies[world.stc.code])
    actions.answer_request(world.clerk_stc, received, agree=False, note="Chưa nhận được bản giấy.")
    assert fresh(old_copies[world.stc.code]).status == "arrived"
    assert timeline(old, world.stc) == ["01", "16"]
    assert ExchangeRequest.objects.get().state == "refused"


def test_a_replaced_copy_can_still_be_recalled_but_not_updated(world):
    old, old_copies = issue_to(world, world.stc)
    new, _ = issue_to(world, world.stc, subject="Văn bản thay thế")
    actions.request_replace(world.clerk_ubnd, old, new, "Thay thế.")
    actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=True)
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(world.clerk_ubnd, old, {"subject": "Sửa lại"})
    assert "đã bị thay thế" in exc.value.errors["recipients"]
    actions.request_recall(world.clerk_ubnd, old, "Thu hồi văn bản đã bị thay thế.")
    received = ReceivedRequest.objects.get(kind="recall")
    actions.answer_request(world.clerk_stc, received, agree=True)
    assert fresh(old_copies[world.stc.code]).status == "recalled"


def _stc_issued(world):
    return make_issued(
        world,
        user=world.specialist_stc,
        agency=world.stc,
        department=world.ns_stc,
        signer=world.leader_stc,
        recipients=[world.ubnd],
    )


def test_it_rejects_a_replacement_that_is_not_an_issued_document_of_the_agency(world):
    old, _ = issue_to(world, world.stc)
    draft = make_draft(world, recipients=[world.stc])
    cases = [
        (None, "Hãy chọn văn bản thay thế."),
        (old, "Văn bản không thể thay thế chính nó."),
        (draft, "Văn bản thay thế phải là văn bản đi đã phát hành."),
        (_stc_issued(world), "Văn bản thay thế phải do cùng cơ quan ban hành."),
    ]
    for new, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            actions.request_replace(world.clerk_ubnd, old, new, "Thay thế.")
        assert exc.value.errors["replacement"] == message
    assert not ExchangeRequest.objects.exists()


def test_it_rejects_a_replacement_already_recalled(world):
    old, _ = issue_to(world, world.stc)
    new, new_copies = issue_to(world, world.stc, subject="Văn bản thay thế")
    actions.request_recall(world.clerk_ubnd, new, "Thu hồi.")
    actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=True)
    with pytest.raises(ValidationFailed) as exc:
        actions.request_replace(world.clerk_ubnd, old, new, "Thay thế.")
    assert exc.value.errors["replacement"] == "Văn bản thay thế đã bị thu hồi."
