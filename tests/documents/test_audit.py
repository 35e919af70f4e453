"""Every document action writes its audit event: action code, actor, agency, the status
before and after, and the request id (empty when the action runs outside a request)."""

from __future__ import annotations

from django.urls import reverse

from tests import files
from tests.documents.helpers import arrived_at_stc, make_draft, register
from vanthu.audit.events import history_of
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.models import Document


def _trail(doc):
    return [
        (
            e.action,
            e.actor,
            (e.before or {}).get("status"),
            (e.after or {}).get("status"),
        )
        for e in history_of(doc)
    ]


def test_the_outgoing_flow_leaves_a_complete_trail(world):
    doc = make_draft(world, recipients=[world.stc])
    actions.submit_draft(world.specialist_ubnd, doc)
    actions.review_content(world.dept_leader_ubnd, doc, approve=False, comment="Sửa trích yếu.")
    actions.replace_draft_file(world.specialist_ubnd, doc, "v2.pdf", files.pdf(["Bản sửa"]))
    actions.submit_draft(world.specialist_ubnd, doc)
    actions.review_content(world.dept_leader_ubnd, doc, approve=True)
    actions.check_form(world.clerk_ubnd, doc, approve=True)
    actions.approve_signature(world.leader_ubnd, doc, approve=True)
    doc = actions.issue_document(world.clerk_ubnd, doc)

    assert _trail(doc) == [
        ("document.drafted", world.specialist_ubnd, None, "draft"),
        ("document.submitted", world.specialist_ubnd, "draft", "content_review"),
        ("document.returned", world.dept_leader_ubnd, "content_review", "draft"),
        ("document.file_replaced", world.specialist_ubnd, "draft", "draft"),
        ("document.submitted", world.specialist_ubnd, "draft", "content_review"),
        ("document.approved_step", world.dept_leader_ubnd, "content_review", "form_check"),
        ("document.approved_step", world.clerk_ubnd, "form_check", "awaiting_signature"),
        ("document.approved_step", world.leader_ubnd, "awaiting_signature", "approved"),
        ("document.issued", world.clerk_ubnd, "approved", "issued"),
        ("document.verification_stamped", world.clerk_ubnd, None, "issued"),
    ]
    events = history_of(doc)
    assert {e.request_id for e in events} == {""}
    assert {e.agency for e in events} == {world.ubnd}
    assert {e.object_type for e in events} == {"documents.document"}
    assert events[2].note == "Sửa trích yếu."
    assert events[3].note == "Phiên bản 2"
    assert events[-2].note == "Số 01/UBND-KT"
    assert events[-2].after["reference"] == "01/UBND-KT"


def test_the_incoming_flow_leaves_a_complete_trail(world):
    doc = register(world)
    actions.present_to_leader(world.clerk_ubnd, doc, world.leader_ubnd)
    actions.forward_document(
        world.leader_ubnd, doc, users=[world.specialist_ubnd], departments=[world.vp_ubnd]
    )
    actions.mark_read(world.specialist_ubnd, doc)

    assert _trail(doc) == [
        ("document.registered", world.clerk_ubnd, None, "registered"),
        ("document.presented", world.clerk_ubnd, "registered", "presented"),
        ("document.forwarded", world.leader_ubnd, "presented", "forwarded"),
        ("document.read", world.specialist_ubnd, "forwarded", "forwarded"),
    ]
    events = history_of(doc)
    assert events[0].note == "Số đến 01"
    assert events[0].after["arrival_number"] == 1
    assert events[1].note == "Trình Trần Văn Chủ Tịch"
    assert events[2].note == "Chuyển: Hoàng Văn Chuyên, Văn phòng UBND tỉnh"
    assert {e.request_id for e in events} == {""}


def test_accepting_and_refusing_arrivals_are_audited_at_the_recipient(world):
    accepted = actions.accept_arrival(world.clerk_stc, arrived_at_stc(world))
    refused = actions.refuse_arrival(world.clerk_stc, arrived_at_stc(world), "Sai nơi nhận.")

    assert _trail(accepted) == [("document.registered", world.clerk_stc, "arrived", "registered")]
    assert _trail(refused) == [("document.refused", world.clerk_stc, "arrived", "refused")]
    assert history_of(refused)[0].note == "Sai nơi nhận."
    assert {e.agency for e in history_of(accepted) + history_of(refused)} == {world.stc}


def test_a_refused_action_writes_no_event(world):
    doc = make_draft(world)
    before = AuditEvent.objects.count()
    for attempt in (
        lambda: actions.submit_draft(world.clerk_ubnd, doc),
        lambda: actions.check_form(world.clerk_ubnd, doc, approve=True),
        lambda: actions.issue_document(world.clerk_ubnd, doc),
    ):
        try:
            attempt()
        except Exception:  # each one is refused; the point is what they leave behind
            pass
    assert AuditEvent.objects.count() == before
    assert Document.objects.get(pk=doc.pk).status == "draft"


def test_events_carry_the_request_id_inside_a_request(world, client):
    doc = make_draft(world)
    client.force_login(world.specialist_ubnd)
    client.post(
        reverse("web:document_action", args=[doc.public_id, "submit"]),
        headers={"X-Request-Id": "req-123"},
    )
    assert history_of(doc)[-1].action == "document.submitted"
    assert history_of(doc)[-1].request_id == "req-123"
