"""Issuing to an agency outside the deployment writes the package in the issuing
transaction; the package is a conformant edXML document with the issued files."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.documents.helpers import advance, make_draft, make_issued
from tests.exchange.conftest import BO_NV, unique_subject
from vanthu.documents import actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Status
from vanthu.edxml import Edoc, parse
from vanthu.edxml.validate import validate
from vanthu.errors import ValidationFailed
from vanthu.exchange.ids import compose_document_id, document_id_of
from vanthu.exchange.models import Delivery, OutboundPackage
from vanthu.exchange.outbox import read_payload

pytestmark = pytest.mark.django_db


def test_issuing_to_a_hub_agency_queues_one_conformant_package(world, ministry):
    doc = make_issued(world, recipients=[ministry], subject=unique_subject(), urgency="urgent")

    delivery = doc.deliveries.get()
    assert (delivery.transport, delivery.status) == ("hub", "00")
    package = OutboundPackage.objects.get()
    assert (package.kind, package.business_type, package.state) == ("edoc", 0, "pending")
    assert (package.delivery, package.agency, package.to_organ) == (delivery, world.ubnd, BO_NV)
    data = read_payload(package.payload_name)
    assert package.payload_size == len(data)
    assert not [f for f in validate(data) if f.level == "error"]
    edoc = parse(data)
    assert isinstance(edoc, Edoc)
    assert edoc.from_.organ_id == world.ubnd.code and [t.organ_id for t in edoc.to] == [BO_NV]
    assert (edoc.code.number, edoc.code.notation) == (doc.number_text, doc.notation)
    assert edoc.subject == doc.subject and edoc.priority == 1
    assert edoc.promulgation_info.date == doc.issued_on
    assert edoc.document_type.type_name == "Công văn"
    assert edoc.signer.full_name == world.leader_ubnd.full_name
    assert edoc.business.business_doc_type == 0
    # {OrganId},{yyyy/MM/dd},{số/ký hiệu}, as in the QCVN 102 samples.
    expected_id = f"{world.ubnd.code},{doc.issued_on:%Y/%m/%d},{doc.reference}"
    assert edoc.document_id == package.edxml_id == document_id_of(doc) == expected_id
    (main,) = edoc.attachments
    assert main.sha256 == current_main(doc).sha256
    assert main.read() == read_bytes(current_main(doc).storage_name)


def test_a_rolled_back_issue_leaves_no_package_and_no_delivery(world, ministry):
    doc = advance(world, make_draft(world, recipients=[ministry]), Status.APPROVED)

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.issue_document(world.clerk_ubnd, doc)
        assert OutboundPackage.objects.count() == 1  # written inside the transaction
        raise RuntimeError("the issuing transaction fails after the package was written")

    assert not OutboundPackage.objects.exists()
    assert not Delivery.objects.exists()
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED and doc.number is None


def test_agencies_of_the_deployment_keep_the_local_transport(world, ministry):
    doc = make_issued(world, recipients=[world.stc, ministry], subject=unique_subject())

    transports = dict(doc.deliveries.values_list("recipient__code", "transport"))
    assert transports == {world.stc.code: "local", BO_NV: "hub"}
    local = doc.deliveries.get(transport="local")
    assert local.status == "01" and local.incoming_document is not None
    assert OutboundPackage.objects.get().to_organ == BO_NV


def test_a_secret_document_is_never_sent_over_the_hub(world, ministry):
    # create_draft refuses electronic recipients for a secret draft; a recipient added
    # afterwards (data import, the API) must still be stopped at the hub transport.
    draft = make_draft(world, secrecy="confidential", recipients_text="Bộ Nội vụ (bản giấy).")
    draft.recipient_agencies.add(ministry)
    doc = advance(world, draft, Status.APPROVED)

    with pytest.raises(ValidationFailed) as refused:
        actions.issue_document(world.clerk_ubnd, doc)

    assert "Văn bản mật không được gửi qua trục liên thông" in refused.value.message
    assert "Bộ Nội vụ" in refused.value.message
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED and doc.number is None
    assert not OutboundPackage.objects.exists() and not Delivery.objects.exists()


def test_the_document_id_needs_every_part():
    import datetime as dt

    day = dt.date(2015, 9, 30)
    assert compose_document_id("000.00.00.G22", day, "7816/VPCP-TTĐT") == (
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    )
    assert compose_document_id("000.00.00.G22", None, "7816/VPCP-TTĐT") == ""
    assert compose_document_id("", day, "7816/VPCP-TTĐT") == ""
