"""The incoming flow (Decree 30/2020 Art. 20–24): accept or refuse an electronic arrival with
status feedback to the sender (QCVN 102 codes 03/02), present to a leader, forward."""

from __future__ import annotations

import pytest

from tests.documents.helpers import arrived_at_stc, register
from vanthu.documents import actions
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Document, Forward, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.exchange.models import StatusCode


def _timeline(doc):
    delivery = doc.source_delivery
    delivery.refresh_from_db()
    return delivery.status, [(e.status, e.actor, e.note) for e in delivery.events.all()]


def test_it_accepts_an_arrival_and_reports_03_to_the_sender(world):
    doc = arrived_at_stc(world)
    accepted = actions.accept_arrival(world.clerk_stc, doc)
    assert (accepted.status, accepted.arrival_number) == (Status.REGISTERED, 1)
    assert accepted.created_by == world.clerk_stc
    status, events = _timeline(doc)
    assert status == StatusCode.ACCEPTED == "03"
    assert events == [("01", None, ""), ("03", world.clerk_stc, "")]


def test_it_refuses_an_arrival_only_with_a_reason(world):
    doc = arrived_at_stc(world)
    with pytest.raises(ValidationFailed) as caught:
        actions.refuse_arrival(world.clerk_stc, doc, "   ")
    assert caught.value.errors == {"reason": "Hãy nêu lý do từ chối để gửi lại cơ quan gửi."}
    assert Document.objects.get(pk=doc.pk).status == Status.ARRIVED
    assert _timeline(doc)[0] == StatusCode.ARRIVED


def test_it_refuses_an_arrival_and_reports_02_with_the_reason(world):
    doc = arrived_at_stc(world)
    refused = actions.refuse_arrival(world.clerk_stc, doc, " Gửi nhầm cơ quan. ")
    refused.refresh_from_db()
    assert (refused.status, refused.refusal_reason) == (Status.REFUSED, "Gửi nhầm cơ quan.")
    assert refused.arrival_number is None
    status, events = _timeline(doc)
    assert status == StatusCode.REJECTED == "02"
    assert events[-1] == ("02", world.clerk_stc, "Gửi nhầm cơ quan.")


@pytest.mark.parametrize("persona", ["specialist_stc", "leader_stc", "clerk_ubnd", "outsider"])
def test_only_the_recipients_clerk_accepts_or_refuses(world, persona):
    doc = arrived_at_stc(world)
    user = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        actions.accept_arrival(user, doc)
    with pytest.raises(PermissionDenied):
        actions.refuse_arrival(user, doc, "Không rõ.")
    assert Document.objects.get(pk=doc.pk).status == Status.ARRIVED
    assert _timeline(doc)[0] == StatusCode.ARRIVED


def test_it_accepts_or_refuses_an_arrival_only_once(world):
    doc = arrived_at_stc(world)
    stale = Document.objects.get(pk=doc.pk)
    actions.accept_arrival(world.clerk_stc, doc)
    with pytest.raises(InvalidTransition):
        actions.accept_arrival(world.clerk_stc, stale)
    with pytest.raises(InvalidTransition):
        actions.refuse_arrival(world.clerk_stc, stale, "Trùng.")
    doc.refresh_from_db()
    assert (doc.status, doc.arrival_number) == (Status.REGISTERED, 1)
    assert [e[0] for e in _timeline(doc)[1]] == ["01", "03"]


def test_it_warns_before_accepting_a_duplicate_arrival(world):
    doc = arrived_at_stc(world)
    paper = register(
        world,
        user=world.clerk_stc,
        agency=world.stc,
        number_text=doc.number_text,
        notation=doc.notation,
        issuer_name=doc.issuer_name,
        issued_on=doc.issued_on,
        confirm_duplicate=True,
    )
    with pytest.raises(actions.DuplicateSuspected) as caught:
        actions.accept_arrival(world.clerk_stc, doc)
    assert caught.value.matches == [paper]
    assert Document.objects.get(pk=doc.pk).status == Status.ARRIVED
    assert actions.accept_arrival(world.clerk_stc, doc, confirm_duplicate=True).arrival_number == 2


def test_it_presents_to_a_leader_of_the_agency_only(world):
    doc = register(world)
    with pytest.raises(ValidationFailed) as caught:
        actions.present_to_leader(world.clerk_ubnd, doc, world.dept_leader_ubnd)
    assert caught.value.errors == {"leader": "Người được trình phải là lãnh đạo của cơ quan."}
    with pytest.raises(ValidationFailed):
        actions.present_to_leader(world.clerk_ubnd, doc, world.leader_stc)
    with pytest.raises(PermissionDenied):
        actions.present_to_leader(world.specialist_ubnd, doc, world.leader_ubnd)
    actions.present_to_leader(world.clerk_ubnd, doc, world.deputy_ubnd)
    doc.refresh_from_db()
    assert (doc.status, doc.presented_to) == (Status.PRESENTED, world.deputy_ubnd)


def test_it_forwards_to_people_and_departments_who_then_see_the_document(world):
    doc = register(world)
    assert doc not in documents_visible_to(world.specialist_ubnd)
    forwards = actions.forward_document(
        world.leader_ubnd,
        doc,
        users=[world.specialist_ubnd],
        departments=[world.vp_ubnd],
        note="Phòng Kinh tế chủ trì, Văn phòng phối hợp.",
    )
    doc.refresh_from_db()
    assert doc.status == Status.FORWARDED
    assert {(f.to_user, f.to_department) for f in Forward.objects.filter(document=doc)} == {
        (world.specialist_ubnd, None),
        (None, world.vp_ubnd),
    }
    assert len(forwards) == 2
    # The person named, and every member of the department named.
    assert doc in documents_visible_to(world.specialist_ubnd)
    assert doc in documents_visible_to(world.specialist2_ubnd)
    # Not the Phòng Kinh tế leader (not named), nor anyone outside the agency.
    for other in (world.dept_leader_ubnd, world.specialist_stc, world.clerk_stc, world.outsider):
        assert doc not in documents_visible_to(other)


def test_the_presented_leader_may_forward_and_forward_again(world):
    doc = register(world)
    actions.present_to_leader(world.clerk_ubnd, doc, world.deputy_ubnd)
    actions.forward_document(world.deputy_ubnd, doc, users=[world.specialist_ubnd], departments=[])
    actions.forward_document(world.deputy_ubnd, doc, users=[world.dept_leader_ubnd], departments=[])
    assert Forward.objects.filter(document=doc).count() == 2
    assert doc in documents_visible_to(world.dept_leader_ubnd)


@pytest.mark.parametrize(
    "persona", ["clerk_ubnd", "specialist_ubnd", "dept_leader_ubnd", "leader_stc"]
)
def test_it_refuses_forwarding_by_anyone_but_the_leader(world, persona):
    doc = register(world)
    with pytest.raises(PermissionDenied):
        actions.forward_document(
            getattr(world, persona), doc, users=[world.specialist_ubnd], departments=[]
        )
    assert not Forward.objects.exists()


def test_it_refuses_forwarding_outside_the_agency_or_to_nobody(world):
    doc = register(world)
    with pytest.raises(ValidationFailed) as caught:
        actions.forward_document(world.leader_ubnd, doc, users=[], departments=[])
    assert "ít nhất một" in caught.value.errors["recipients"]
    with pytest.raises(ValidationFailed):
        actions.forward_document(
            world.leader_ubnd, doc, users=[world.specialist_stc], departments=[]
        )
    with pytest.raises(ValidationFailed):
        actions.forward_document(world.leader_ubnd, doc, users=[], departments=[world.ns_stc])
    assert not Forward.objects.exists()
    assert Document.objects.get(pk=doc.pk).status == Status.REGISTERED


def test_it_refuses_forwarding_an_unregistered_or_outgoing_document(world):
    arrived = arrived_at_stc(world)
    with pytest.raises(InvalidTransition):
        actions.forward_document(
            world.leader_stc, arrived, users=[world.specialist_stc], departments=[]
        )
    outgoing = Document.objects.get(direction="outgoing")
    with pytest.raises(InvalidTransition):
        actions.forward_document(
            world.leader_ubnd, outgoing, users=[world.specialist_ubnd], departments=[]
        )
    assert not Forward.objects.exists()


def test_it_records_when_recipients_read_a_forwarded_document(world):
    doc = register(world)
    actions.forward_document(
        world.leader_ubnd, doc, users=[world.specialist_ubnd], departments=[world.vp_ubnd]
    )
    actions.mark_read(world.specialist_ubnd, doc)
    actions.mark_read(world.specialist_ubnd, doc)  # once only
    to_user = Forward.objects.get(to_user=world.specialist_ubnd)
    to_vp = Forward.objects.get(to_department=world.vp_ubnd)
    assert to_user.read_at is not None and to_vp.read_at is None
    actions.mark_read(world.specialist2_ubnd, doc)
    to_vp.refresh_from_db()
    assert to_vp.read_at is not None


def test_a_secret_document_reaches_only_the_people_it_is_presented_and_forwarded_to(world):
    doc = register(world, secrecy="confidential")
    assert doc not in documents_visible_to(world.leader_ubnd)
    actions.present_to_leader(world.clerk_ubnd, doc, world.leader_ubnd)
    assert doc in documents_visible_to(world.leader_ubnd)
    actions.forward_document(world.leader_ubnd, doc, users=[world.specialist_ubnd], departments=[])
    assert doc in documents_visible_to(world.specialist_ubnd)
    assert doc not in documents_visible_to(world.deputy_ubnd)
    assert doc not in documents_visible_to(world.specialist2_ubnd)


def test_it_refuses_forwarding_a_secret_document_to_a_whole_department(world):
    doc = register(world, secrecy="confidential")
    with pytest.raises(ValidationFailed) as caught:
        actions.forward_document(world.leader_ubnd, doc, users=[], departments=[world.vp_ubnd])
    assert "Văn bản mật" in caught.value.errors["departments"]
    assert not Forward.objects.exists()
