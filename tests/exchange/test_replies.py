"""edXML ResponseFor both ways: our reply names the document it answers (work files' reply
links), and a reply from another system is linked to our document it names."""

from __future__ import annotations

import pytest

from tests.documents.helpers import advance, make_draft, make_issued
from tests.exchange.conftest import BO_NV, ministry_edoc, unique_subject
from vanthu.documents import actions
from vanthu.documents.models import Direction, Document, Status
from vanthu.edxml import ResponseFor, build_edoc, parse
from vanthu.exchange import inbound
from vanthu.exchange.ids import document_id_of
from vanthu.exchange.models import HubArrival, OutboundPackage
from vanthu.exchange.outbox import read_payload
from vanthu.workfiles.models import ReplyLink

pytestmark = pytest.mark.django_db


def test_our_reply_names_the_document_it_answers(world, ministry):
    asked = ministry_edoc(to=[world.ubnd.code])
    inbound.receive("hoi-1", "edoc", build_edoc(asked))
    question = Document.objects.get(direction=Direction.INCOMING)
    draft = make_draft(world, recipients=[ministry], subject=unique_subject("Trả lời Bộ Nội vụ"))
    # The link a work file makes (workfiles.actions.link_reply).
    ReplyLink.objects.create(reply=draft, answers=question, created_by=world.specialist_ubnd)

    advance(world, draft, Status.ISSUED)

    package = OutboundPackage.objects.get(kind="edoc")
    (response,) = parse(read_payload(package.payload_name)).response_for
    assert response.document_id == asked.document_id == document_id_of(question)
    assert (response.organ_id, response.code) == (BO_NV, "215/BNV-VP")
    assert response.promulgation_date == asked.promulgation_info.date


def test_a_reply_from_b_is_linked_to_our_document(world, ministry):
    ours = make_issued(world, recipients=[ministry], subject=unique_subject())
    answer = ministry_edoc(
        to=[world.ubnd.code],
        number="220",
        response_for=[
            ResponseFor(
                organ_id=world.ubnd.code,
                code=ours.reference,
                promulgation_date=ours.issued_on,
                document_id=document_id_of(ours),
            )
        ],
    )

    inbound.receive("tra-loi-1", "edoc", build_edoc(answer))

    arrival = HubArrival.objects.get()
    assert arrival.response_to == ours
    assert arrival.incoming_document.number_text == "220"
    # Registering the reply reports 03 like any arrival.
    actions.accept_arrival(world.clerk_ubnd, arrival.incoming_document)
    statuses = OutboundPackage.objects.filter(kind="status").order_by("pk")
    assert list(statuses.values_list("status_code", flat=True)) == ["01", "03"]
