"""Recall over the local transport: 13 on the sender's timeline, the recipient's clerk
agrees (15: the copy is destroyed, the outgoing document frozen for that recipient) or
refuses (16 with the note)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.documents.helpers import register, stored_files
from tests.recalls.helpers import delivery_to, events_of, fresh, issue_to, timeline
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions as doc_actions
from vanthu.documents.actions.copies import copyable_forms, make_electronic_copy, may_copy
from vanthu.documents.models import FileVersion
from vanthu.errors import InvalidTransition
from vanthu.notifications.models import Notification
from vanthu.processing.actions import assign
from vanthu.processing.models import Assignment
from vanthu.recalls import actions
from vanthu.recalls.actions import receive_request
from vanthu.recalls.effects import RECALLED_SUBJECT
from vanthu.recalls.models import ExchangeRequest, ReceivedRequest
from vanthu.recalls.selectors import is_frozen_for, is_fully_recalled

pytestmark = pytest.mark.django_db

REASON = "Văn bản ban hành sai thẩm quyền, đề nghị thu hồi."


def test_recall_agreed_destroys_the_copy_and_freezes_the_outgoing_document(
    world, django_capture_on_commit_callbacks
):
    doc, copies = issue_to(world, world.stc)
    incoming = doc_actions.accept_arrival(world.clerk_stc, copies[world.stc.code])
    (lead,) = assign(world.leader_stc, incoming, lead=world.ns_stc)
    shared = set(incoming.files.values_list("storage_name", flat=True))

    (request,) = actions.request_recall(world.clerk_ubnd, doc, REASON)
    assert request.state == "pending" and request.kind == "recall"
    assert timeline(doc, world.stc) == ["01", "03", "04", "13"]
    received = ReceivedRequest.objects.get(incoming=incoming)
    assert received.origin == request and received.reason == REASON
    assert Notification.objects.filter(
        recipient=world.clerk_stc, kind="exchange_request", body=REASON
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_request(world.clerk_stc, received, agree=True)

    assert timeline(doc, world.stc) == ["01", "03", "04", "13", "15"]
    assert delivery_to(doc, world.stc).status == "15"
    copy = fresh(incoming)
    assert copy.status == "recalled"
    assert copy.subject == RECALLED_SUBJECT and copy.signer_name == "" and copy.due_on is None
    # What the register and the log need stays: reference, issuer, số đến.
    assert copy.reference == doc.reference and copy.arrival_number == incoming.arrival_number
    assert not FileVersion.objects.filter(document=copy).exists()
    # The bytes are shared with the sender's own copy in this deployment: they stay.
    root = Path(settings.MEDIA_ROOT)
    assert all((root / name).exists() for name in shared)
    assert Assignment.objects.get(pk=lead.pk).status == "cancelled"

    request.refresh_from_db()
    assert request.state == "agreed" and request.answered_by_name == world.clerk_stc.full_name
    assert is_frozen_for(doc, world.stc) and is_fully_recalled(doc)
    assert events_of(copy)[-3:] == [
        "recalls.request_received",
        "recalls.copy_destroyed",
        "recalls.request_agreed",
    ]
    destroyed = AuditEvent.objects.get(action="recalls.copy_destroyed")
    assert destroyed.actor == world.clerk_stc and destroyed.agency == world.stc
    assert destroyed.before["files"] and destroyed.after["closed_lines"] == 1
    assert events_of(doc)[-3:] == [
        "recalls.recall_requested",
        "recalls.recipient_agreed",
        "recalls.document_recalled",
    ]
    assert Notification.objects.filter(recipient=world.clerk_ubnd, kind="exchange_answer").exists()


def test_recall_of_one_recipient_freezes_only_that_one(world):
    doc, copies = issue_to(world, world.stc, world.xa)
    (request,) = actions.request_recall(world.leader_ubnd, doc, REASON, recipients=[world.xa])
    assert request.delivery.recipient == world.xa
    assert timeline(doc, world.stc) == ["01"]
    actions.answer_request(
        world.clerk_xa, ReceivedRequest.objects.get(incoming=copies[world.xa.code]), agree=True
    )
    assert is_frozen_for(doc, world.xa) and not is_frozen_for(doc, world.stc)
    assert not is_fully_recalled(doc)
    assert "recalls.document_recalled" not in events_of(doc)
    assert fresh(copies[world.stc.code]).status == "arrived"


def test_a_document_recalled_everywhere_can_no_longer_be_copied(world):
    doc, copies = issue_to(world, world.stc, world.xa)
    assert copyable_forms(doc) and may_copy(world.clerk_ubnd, doc)
    actions.request_recall(world.clerk_ubnd, doc, REASON, recipients=[world.xa])
    actions.answer_request(
        world.clerk_xa, ReceivedRequest.objects.get(incoming=copies[world.xa.code]), agree=True
    )
    # Still in force at Sở TT&TT: copies may still be made.
    assert copyable_forms(doc) and may_copy(world.clerk_ubnd, doc)

    actions.request_recall(world.clerk_ubnd, doc, REASON, recipients=[world.stc])
    actions.answer_request(
        world.clerk_stc, ReceivedRequest.objects.get(incoming=copies[world.stc.code]), agree=True
    )
    assert is_fully_recalled(doc)
    assert copyable_forms(doc) == [] and not may_copy(world.clerk_ubnd, doc)
    with pytest.raises(InvalidTransition, match="đã được thu hồi"):
        make_electronic_copy(world.clerk_ubnd, doc, form="sao_y")


def test_recall_is_possible_before_the_recipient_registered_it(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    assert incoming.status == "arrived"
    actions.request_recall(world.clerk_ubnd, delivery_to(doc, world.stc), REASON)
    actions.answer_request(
        world.clerk_stc, ReceivedRequest.objects.get(incoming=incoming), agree=True
    )
    assert fresh(incoming).status == "recalled"
    assert timeline(doc, world.stc) == ["01", "13", "15"]
    # A destroyed copy cannot be registered any more.
    with pytest.raises(Exception, match="không thể thực hiện"):
        doc_actions.accept_arrival(world.clerk_stc, fresh(incoming))


def test_recall_refused_reports_16_with_the_note(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    (request,) = actions.request_recall(world.clerk_ubnd, doc, REASON)
    note = "Văn bản đã được triển khai thực hiện, không thể thu hồi."
    actions.answer_request(
        world.clerk_stc, ReceivedRequest.objects.get(incoming=incoming), agree=False, note=note
    )
    assert timeline(doc, world.stc) == ["01", "13", "16"]
    last = delivery_to(doc, world.stc).events.order_by("-id").first()
    assert last.note == note and last.actor == world.clerk_stc
    request.refresh_from_db()
    assert request.state == "refused" and request.answer_note == note
    copy = fresh(incoming)
    assert copy.status == "arrived" and copy.files.exists()
    assert not is_frozen_for(doc, world.stc)
    assert events_of(doc)[-1] == "recalls.recipient_refused"
    assert events_of(copy)[-1] == "recalls.request_refused"
    # Refused, the question is settled: the sender may ask again.
    actions.request_recall(world.clerk_ubnd, doc, "Đề nghị xem xét lại việc thu hồi.")
    assert ExchangeRequest.objects.filter(state="pending").count() == 1


def test_stored_bytes_go_when_no_other_version_uses_them(world, django_capture_on_commit_callbacks):
    """A copy that shares nothing (received over the hub, or registered from paper): its
    files are removed from storage too."""
    paper = register(world, agency=world.stc, user=world.clerk_stc)
    names = set(paper.files.values_list("storage_name", flat=True))
    root = Path(settings.MEDIA_ROOT)
    assert names and all((root / n).exists() for n in names)
    received = receive_request(paper, "recall", "Thu hồi văn bản điện tử")
    before = len(stored_files())
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_request(world.clerk_stc, received, agree=True)
    assert not any((root / n).exists() for n in names)
    assert len(stored_files()) == before - len(names)
    assert fresh(paper).status == "recalled"


def test_the_same_request_received_twice_is_recorded_once(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    first = receive_request(incoming, "recall", "Thu hồi văn bản điện tử")
    again = receive_request(incoming, "recall", "Thu hồi văn bản điện tử")
    assert first == again
    assert ReceivedRequest.objects.filter(incoming=incoming).count() == 1
