"""Recall (13 → 15/16), update (type 2) and replace (type 3) over the hub, both ways: our
requests reach system B as the packages the standard describes, and B's requests reach the
recalls app as received requests, whose answers go back to B."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import files
from tests.documents.helpers import make_issued
from tests.exchange.conftest import (
    BO_NV,
    edocs_for_b,
    ministry_edoc,
    send_from_b,
    statuses_for_b,
    unique_subject,
)
from vanthu.documents.models import Direction, Document
from vanthu.edxml import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    Organization,
    ReplacementInfo,
    ResponseFor,
    StaffInfo,
    StatusMessage,
    build_status,
)
from vanthu.edxml.constants import VN_TZ
from vanthu.exchange.models import InboundPackage, OutboundPackage
from vanthu.exchange.worker import run_once
from vanthu.recalls import actions as recalls
from vanthu.recalls.models import ReceivedRequest

pytestmark = pytest.mark.django_db


def _sent_to_b(world, ministry, vendor_b, **fields):
    doc = make_issued(world, recipients=[ministry], subject=unique_subject(), **fields)
    run_once()
    ((_, received),) = edocs_for_b(vendor_b)
    return doc, received


def _answer_from_b(received, code: str, note: str) -> bytes:
    sender = received.from_
    return build_status(
        StatusMessage(
            from_=Organization(organ_id=BO_NV, name="Bộ Nội vụ"),
            to=Organization(organ_id=sender.organ_id),
            response_for=ResponseFor(
                organ_id=sender.organ_id,
                code=str(received.code),
                promulgation_date=received.promulgation_info.date,
                document_id=received.document_id,
            ),
            staff_info=StaffInfo(staff="Lê Văn Thư Bộ"),
            status_code=code,
            description=note,
            timestamp=dt.datetime.now(VN_TZ),
        )
    )


def test_our_recall_reaches_b_as_13_and_its_15_settles_the_request(
    world, ministry, connected, vendor_b
):
    doc, received = _sent_to_b(world, ministry, vendor_b)
    delivery = doc.deliveries.get()

    (request,) = recalls.request_recall(world.clerk_ubnd, delivery, "Sai số liệu tại mục 2")
    package = OutboundPackage.objects.get(kind="status")
    assert (package.status_code, package.delivery) == ("13", delivery)
    run_once()

    (message,) = statuses_for_b(vendor_b)
    assert (message.status_code, message.description) == ("13", "Sai số liệu tại mục 2")
    assert message.from_.organ_id == world.ubnd.code
    assert message.response_for.organ_id == BO_NV  # routed to the recipient
    assert message.response_for.document_id == received.document_id
    assert message.staff_info.staff == world.clerk_ubnd.full_name

    vendor_b.send_edoc(
        _answer_from_b(received, "15", "Đồng ý, đã hủy bản nhận"),
        from_organ=BO_NV,
        messagetype="status",
    )
    run_once()

    request.refresh_from_db()
    assert (request.state, request.answered_by_name) == ("agreed", "Lê Văn Thư Bộ")
    assert request.answer_note == "Đồng ý, đã hủy bản nhận"
    statuses = list(delivery.events.order_by("at", "id").values_list("status", flat=True))
    assert statuses == ["13", "15"]


def test_our_update_reaches_b_as_type_2_with_the_new_file(world, ministry, connected, vendor_b):
    doc, received = _sent_to_b(world, ministry, vendor_b)
    new_pdf = files.pdf(["Bản đã sửa"])

    recalls.request_update(
        world.clerk_ubnd,
        doc,
        {"subject": "Về việc hướng dẫn (đã sửa)"},
        ("ban-sua.pdf", new_pdf),
        reason="Sửa trích yếu",
    )
    run_once()

    ((_, update),) = edocs_for_b(vendor_b)
    assert update.business.business_doc_type == 2
    assert update.business.business_doc_reason == "Sửa trích yếu"
    assert update.business.document_id == update.document_id == received.document_id
    assert update.subject == "Về việc hướng dẫn (đã sửa)"
    (attachment,) = update.attachments
    assert attachment.read() == new_pdf


def test_our_replacement_reaches_b_as_the_new_document_and_a_type_3(
    world, ministry, connected, vendor_b
):
    old, received = _sent_to_b(world, ministry, vendor_b)
    new = make_issued(world, subject=unique_subject("Văn bản thay thế"))

    recalls.request_replace(world.clerk_ubnd, old, new, "Thay văn bản sai số liệu")
    run_once()

    packages = {m.business.business_doc_type: m for _, m in edocs_for_b(vendor_b)}
    assert set(packages) == {0, 3}
    replacing = packages[3]
    assert replacing.document_id == packages[0].document_id != received.document_id
    assert replacing.subject == new.subject
    (info,) = replacing.business.replacement_info
    assert (info.document_id, info.organ_ids) == (received.document_id, [BO_NV])


def _copy_from_b(world, vendor_b, number: str = "401"):
    edoc = ministry_edoc(to=[world.ubnd.code], number=number)
    send_from_b(vendor_b, edoc)
    run_once()
    doc = Document.objects.get(direction=Direction.INCOMING, number_text=number)
    return doc, edoc


def test_a_recall_from_b_reaches_the_clerk_and_the_answer_goes_back(world, connected, vendor_b):
    copy, edoc = _copy_from_b(world, vendor_b)
    recall = build_status(
        StatusMessage(
            from_=Organization(organ_id=BO_NV, name="Bộ Nội vụ"),
            to=Organization(organ_id=world.ubnd.code),
            response_for=ResponseFor(
                organ_id=world.ubnd.code, code=str(edoc.code), document_id=edoc.document_id
            ),
            status_code="13",
            description="Bộ gửi nhầm phụ lục, đề nghị trả lại",
            timestamp=dt.datetime.now(VN_TZ),
        )
    )
    vendor_b.send_edoc(recall, from_organ=BO_NV, messagetype="status")
    run_once()

    received = ReceivedRequest.objects.get()
    assert (received.incoming, received.kind) == (copy, "recall")
    assert received.reason == "Bộ gửi nhầm phụ lục, đề nghị trả lại"
    assert InboundPackage.objects.get(status_code="13").state == "processed"

    recalls.answer_request(world.clerk_ubnd, received, agree=False, note="Đã vào sổ, giữ lại")
    run_once()
    codes = [(m.status_code, m.description) for m in statuses_for_b(vendor_b)]
    assert codes[-1] == ("16", "Đã vào sổ, giữ lại")


def test_an_update_from_b_is_staged_for_the_clerk(world, connected, vendor_b):
    copy, edoc = _copy_from_b(world, vendor_b, number="402")
    new_pdf = files.pdf(["Bộ Nội vụ", "Bản cập nhật"])
    update = ministry_edoc(
        to=[world.ubnd.code],
        number="402",
        subject="Về việc hướng dẫn liên thông (cập nhật)",
        document_id=edoc.document_id,
        business=Business(
            business_doc_type=2,
            business_doc_reason="Cập nhật trích yếu và tệp",
            document_id=edoc.document_id,
            document_info=BusinessDocumentInfo(document_info=1, document_receiver=0),
        ),
        attachments=[Attachment(name="402-sua.pdf", content_type="application/pdf", data=new_pdf)],
    )
    send_from_b(vendor_b, update)
    run_once()

    received = ReceivedRequest.objects.get()
    assert (received.incoming, received.kind) == (copy, "update")
    assert received.changes == {"subject": "Về việc hướng dẫn liên thông (cập nhật)"}
    assert received.reason == "Cập nhật trích yếu và tệp"
    assert received.new_file is not None and received.new_file.version == 0  # not current yet
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 1


def test_a_replacement_from_b_arrives_and_asks_to_replace_the_old_copy(world, connected, vendor_b):
    old, edoc = _copy_from_b(world, vendor_b, number="403")
    replacing = ministry_edoc(
        to=[world.ubnd.code],
        number="404",
        business=Business(
            business_doc_type=3,
            business_doc_reason="Thay thế văn bản 403/BNV-VP",
            document_id=edoc.document_id,
            replacement_info=[
                ReplacementInfo(document_id=edoc.document_id, organ_ids=[world.ubnd.code])
            ],
        ),
    )
    send_from_b(vendor_b, replacing)
    run_once()
    # The same new document also sent as new (0), as a sender may: it is the same copy.
    plain = ministry_edoc(to=[world.ubnd.code], number="404", subject=replacing.subject)
    send_from_b(vendor_b, plain)
    run_once()

    new = Document.objects.get(direction=Direction.INCOMING, number_text="404")
    received = ReceivedRequest.objects.get()
    assert (received.incoming, received.kind, received.replacement) == (old, "replace", new)
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 2
    assert InboundPackage.objects.filter(state="duplicate").count() == 1


def test_a_revocation_package_from_b_is_a_recall_request(world, connected, vendor_b):
    copy, edoc = _copy_from_b(world, vendor_b, number="405")
    revoke = ministry_edoc(
        to=[world.ubnd.code],
        number="405",
        attachments=[],
        response_for=[ResponseFor(organ_id=BO_NV, document_id=edoc.document_id)],
        business=Business(business_doc_type=1, business_doc_reason="Thu hồi do ban hành sai"),
    )
    send_from_b(vendor_b, revoke)
    run_once()

    received = ReceivedRequest.objects.get()
    assert (received.incoming, received.kind) == (copy, "recall")
    assert received.reason == "Thu hồi do ban hành sai"
