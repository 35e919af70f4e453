"""Documents from another vendor's system (B) through the real hub: the arrival lands in
the clerk's queue as "đã đến" and 01 goes back; registering sends 03, refusing 02 with the
reason, handling 04/05/06. Receipt is idempotent, and a package that cannot be taken is
acknowledged "fail", recorded, and creates nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.exchange.conftest import (
    BO_NV,
    NOT_IN_DIRECTORY,
    client_a,
    ministry_edoc,
    send_from_b,
    statuses_for_b,
)
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import read_bytes
from vanthu.documents.models import Direction, Document, FileVersion
from vanthu.edxml import build_edoc
from vanthu.edxml.constants import VN_TZ
from vanthu.exchange import inbound
from vanthu.exchange.models import HubArrival, InboundPackage, OutboundPackage
from vanthu.exchange.worker import Report, receive_one, run_once
from vanthu.notifications.models import Notification
from vanthu.processing.actions import add_progress, assign, complete
from vanthu.signing.models import SignatureCheck

pytestmark = pytest.mark.django_db


def _arrivals():
    return Document.objects.filter(direction=Direction.INCOMING)


def _arrive(world, vendor_b, **fields) -> tuple[Document, object]:
    edoc = ministry_edoc(to=[world.ubnd.code], **fields)
    send_from_b(vendor_b, edoc)
    report = run_once()
    assert report.received == 1, report
    return _arrivals().get(issuer_code=BO_NV, number_text=edoc.code.number), edoc


def test_an_arrival_lands_in_the_clerk_queue_and_01_goes_back_to_b(
    world, connected, vendor_b, client
):
    edoc = ministry_edoc(to=[world.ubnd.code])
    hub_doc_id = send_from_b(vendor_b, edoc)

    report = run_once()

    assert (report.received, report.refused) == (1, 0)
    package = InboundPackage.objects.get(hub_doc_id=hub_doc_id)
    assert (package.state, package.ack_status, package.agency) == ("processed", "done", world.ubnd)
    assert package.acked_at is not None and package.edxml_id == edoc.document_id
    doc = _arrivals().get()
    assert (doc.agency, doc.status, doc.channel) == (world.ubnd, "arrived", "electronic")
    assert (doc.number_text, doc.notation, doc.doc_type.code) == ("215", "BNV-VP", "CV")
    assert doc.subject == edoc.subject and doc.issued_on == edoc.promulgation_info.date
    assert (doc.issuer_name, doc.issuer_code) == ("Bộ Nội vụ", BO_NV)
    assert (doc.signer_name, doc.signer_position, doc.signing_capacity) == (
        "Vũ Chiến",
        "Thứ trưởng",
        "KT.",
    )
    assert (doc.urgency, doc.due_on, doc.page_amount) == ("urgent", dt.date(2026, 12, 15), 1)
    assert doc.recipients_text == "Như trên; Lưu: VT, VP"
    main = doc.files.get(kind=FileVersion.Kind.MAIN)
    appendix = doc.files.get(kind=FileVersion.Kind.ATTACHMENT)
    assert (main.original_name, main.mime_type) == ("215-BNV-VP.pdf", "application/pdf")
    assert read_bytes(main.storage_name) == edoc.attachments[0].read()
    assert appendix.original_name == "phu-luc.pdf"
    assert SignatureCheck.objects.get(file_version=main).verdict == "unsigned"
    arrival = HubArrival.objects.get()
    assert (arrival.incoming_document, arrival.from_organ) == (doc, BO_NV)
    assert AuditEvent.objects.filter(action="exchange.arrived", agency=world.ubnd).count() == 1
    alert = Notification.objects.get(recipient=world.clerk_ubnd, kind="arrival")
    assert "215/BNV-VP" in alert.title

    # The clerk's queue: "Đã đến, chờ tiếp nhận".
    client.force_login(world.clerk_ubnd)
    page = client.get(reverse("web:incoming_list")).content.decode()
    assert edoc.subject in page and "Đã đến" in page
    detail = client.get(reverse("web:document_detail", args=[doc.public_id])).content.decode()
    assert f"Nhận qua trục liên thông từ Bộ Nội vụ (mã văn bản {edoc.document_id})" in detail

    # 01 was queued in the arrival's transaction and goes out in the next round.
    status = OutboundPackage.objects.get(kind="status")
    assert (status.status_code, status.document, status.to_organ) == ("01", doc, BO_NV)
    assert run_once().sent == 1
    (message,) = statuses_for_b(vendor_b)
    assert message.status_code == "01" and message.from_.organ_id == world.ubnd.code
    assert message.response_for.document_id == edoc.document_id
    assert message.response_for.organ_id == BO_NV
    assert message.response_for.code == "215/BNV-VP" and message.timestamp is not None
    (sent,) = vendor_b.sent(hub_doc_id)
    assert sent["receiveStatus"] == "done"


def test_registering_sends_03_and_refusing_sends_02_with_the_reason(world, connected, vendor_b):
    registered, first = _arrive(world, vendor_b, number="301")
    refused, second = _arrive(world, vendor_b, number="302")

    actions.accept_arrival(world.clerk_ubnd, registered)
    actions.refuse_arrival(world.clerk_ubnd, refused, "Văn bản gửi nhầm cơ quan.")
    run_once()  # the second 01, then 03 and 02, each after its document's 01
    assert not OutboundPackage.objects.exclude(state="sent").exists()

    by_document: dict[str, list] = {}
    for message in statuses_for_b(vendor_b):
        by_document.setdefault(message.response_for.document_id, []).append(message)
    assert [m.status_code for m in by_document[first.document_id]] == ["01", "03"]
    assert [m.status_code for m in by_document[second.document_id]] == ["01", "02"]
    accepted = by_document[first.document_id][1]
    assert accepted.staff_info.staff == world.clerk_ubnd.full_name
    assert accepted.staff_info.department == "Văn phòng UBND tỉnh"
    assert by_document[second.document_id][1].description == "Văn bản gửi nhầm cơ quan."


def test_handling_sends_04_05_and_06_once_each(world, connected, vendor_b):
    doc, edoc = _arrive(world, vendor_b, number="303")
    doc = actions.accept_arrival(world.clerk_ubnd, doc)
    (line,) = assign(world.leader_ubnd, doc, lead=world.specialist_ubnd, directive="Tham mưu.")
    add_progress(world.specialist_ubnd, line, "Đang tổng hợp.")
    add_progress(world.specialist_ubnd, line, "Đã xin ý kiến phòng.")  # 05 only once
    complete(world.specialist_ubnd, line, result_note="Đã báo cáo Bộ Nội vụ.")

    run_once()

    messages = statuses_for_b(vendor_b)
    assert [m.status_code for m in messages] == ["01", "03", "04", "05", "06"]
    assert messages[2].staff_info.staff == world.leader_ubnd.full_name
    assert messages[4].description == "Đã báo cáo Bộ Nội vụ."
    assert {m.response_for.document_id for m in messages} == {edoc.document_id}


def test_the_same_package_taken_twice_makes_one_document(world, connected, vendor_b):
    edoc = ministry_edoc(to=[world.ubnd.code])
    hub_doc_id = send_from_b(vendor_b, edoc)
    run_once()
    data = client_a(connected.url).get_edoc(hub_doc_id)

    # Listed again (our acknowledgement lost) or handed over again by another worker.
    again = inbound.receive(hub_doc_id, "edoc", data)
    report = Report()
    with client_a(connected.url) as a:
        receive_one(a, hub_doc_id, "edoc", report)

    assert again == InboundPackage.objects.get() and report.received == 0
    assert _arrivals().count() == 1 and HubArrival.objects.count() == 1
    assert OutboundPackage.objects.filter(kind="status").count() == 1


def test_the_same_document_sent_twice_makes_one_document(world, connected, vendor_b):
    now = dt.datetime.now(VN_TZ)
    first = ministry_edoc(to=[world.ubnd.code], sent_at=now)
    # The sender's retry with a new trace timestamp: other bytes, a new DocId at the hub.
    second = ministry_edoc(
        to=[world.ubnd.code], subject=first.subject, sent_at=now + dt.timedelta(minutes=5)
    )
    ids = {send_from_b(vendor_b, first), send_from_b(vendor_b, second)}
    assert len(ids) == 2

    report = run_once()

    assert report.received == 2
    assert _arrivals().count() == 1
    states = dict(InboundPackage.objects.values_list("hub_doc_id", "state"))
    assert sorted(states.values()) == ["duplicate", "processed"]
    assert set(InboundPackage.objects.values_list("ack_status", flat=True)) == {"done"}
    assert OutboundPackage.objects.filter(kind="status").count() == 1
    assert vendor_b.received("edoc") == []


def test_one_package_for_two_of_our_agencies_makes_a_copy_for_each(world, connected, vendor_b):
    edoc = ministry_edoc(to=[world.ubnd.code, world.stc.code])
    send_from_b(vendor_b, edoc)

    run_once()

    assert {d.agency for d in _arrivals()} == {world.ubnd, world.stc}
    run_once()
    reporters = sorted(m.from_.organ_id for m in statuses_for_b(vendor_b))
    assert reporters == sorted([world.ubnd.code, world.stc.code])


def _with_broken_attachment(data: bytes) -> bytes:
    text = data.decode()
    return re.sub(
        r"(<edXML:ContentTransferEncoded[^>]*>)[^<]+", r"\1@@ không phải Base64 @@", text, count=1
    ).encode()


def test_packages_that_cannot_be_taken_are_refused_recorded_and_create_nothing(
    world, connected, vendor_b
):
    broken = _with_broken_attachment(build_edoc(ministry_edoc(to=[world.ubnd.code])))
    broken_id = vendor_b.send_edoc(broken, from_organ=BO_NV)
    stranger_id = send_from_b(vendor_b, ministry_edoc(to=[NOT_IN_DIRECTORY]))

    report = run_once()

    assert (report.received, report.refused) == (0, 2)
    assert not _arrivals().exists() and not FileVersion.objects.exists()
    assert not OutboundPackage.objects.exists() and not HubArrival.objects.exists()
    failed = {p.hub_doc_id: p for p in InboundPackage.objects.all()}
    assert {p.state for p in failed.values()} == {"failed"}
    assert {p.ack_status for p in failed.values()} == {"fail"}
    assert "Base64" in failed[broken_id].error
    assert "Không có cơ quan nhận nào thuộc hệ thống này" in failed[stranger_id].error
    assert failed[broken_id].payload_sha256  # the bytes are kept for the operator
    for doc_id in (broken_id, stranger_id):
        (sent,) = vendor_b.sent(doc_id)
        assert sent["receiveStatus"] == "fail"
    assert AuditEvent.objects.filter(action="exchange.package_refused").count() == 2

    # Bytes that are not edXML at all (a hub that does not check): recorded, nothing else.
    garbage = inbound.receive("khong-phai-edxml", "edoc", b"<html>Trang loi</html>")
    assert (garbage.state, garbage.ack_status) == ("failed", "fail")
    assert "không đọc được" in garbage.error
    assert not _arrivals().exists()
