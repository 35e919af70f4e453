"""build → parse → build is byte-stable, and the output has the SDK's shape."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from vanthu.edxml import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    EdxmlError,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    StatusCode,
    build,
    build_edoc,
    build_status,
    parse,
)
from vanthu.edxml.validate import validate

from .factories import PDF_BYTES, make_edoc, make_status


def test_edoc_round_trip_is_byte_stable():
    edoc = make_edoc()
    first = build_edoc(edoc)
    assert parse(first) == edoc
    assert build(parse(first)) == first


def test_status_round_trip_is_byte_stable():
    status = make_status()
    first = build_status(status)
    assert parse(first) == status
    assert build(parse(first)) == first


def test_zipped_attachments_round_trip_to_the_same_bytes():
    edoc = make_edoc()
    first = build_edoc(edoc, zip_attachments=True)
    payload = re.search(rb"<edXML:ContentTransferEncoded[^>]*>([^<]+)<", first).group(1)
    assert base64.b64decode(payload).startswith(b"PK\x03\x04")
    parsed = parse(first)
    assert parsed.attachments[0].read() == PDF_BYTES
    assert build_edoc(parsed, zip_attachments=True) == first


def test_raw_base64_is_the_default():
    payload = re.search(rb"<edXML:ContentTransferEncoded[^>]*>([^<]+)<", build_edoc(make_edoc()))
    assert base64.b64decode(payload.group(1)) == PDF_BYTES


def test_built_packages_have_no_findings():
    assert validate(build_edoc(make_edoc())) == []
    assert validate(build_status(make_status())) == []


def test_message_header_follows_the_sdk_element_order():
    text = build_edoc(make_edoc(response_for=[ResponseFor(organ_id="000.00.00.G22", code="1/X")]))
    header = text.split(b"<edXML:MessageHeader>")[1].split(b"</edXML:MessageHeader>")[0]
    top_level = re.findall(rb"^ {8}<edXML:(\w+)", header, re.M)
    assert top_level == [
        b"From", b"To", b"To", b"DocumentId", b"Code", b"PromulgationInfo", b"DocumentType",
        b"Subject", b"Content", b"SignerInfo", b"DueDate", b"OtherInfo", b"ResponseFor",
        b"SteeringType", b"ToPlaces",
    ]  # fmt: skip


def test_namespace_layout_matches_the_sdk():
    text = build_edoc(make_edoc()).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http')
    assert '<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in text
    assert "\n  <AttachmentEncoded>\n    <Attachment>\n      <ContentId>cid:" in text
    assert '<edXML:edXMLManifest version="1.0">' in text


def test_dates_are_written_the_sdk_way():
    text = build_edoc(make_edoc()).decode()
    assert "<edXML:PromulgationDate>2026/03/09</edXML:PromulgationDate>" in text
    assert "<edXML:Timestamp>2026/03/09 08:30:05</edXML:Timestamp>" in text


def test_utc_timestamps_are_written_in_vietnam_time():
    status = make_status(timestamp=dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC))
    assert b"<edXML:Timestamp>2026/03/09 08:00:00</edXML:Timestamp>" in build_status(status)


def test_naive_timestamps_are_refused():
    with pytest.raises(EdxmlError, match="timezone-aware"):
        build_status(make_status(timestamp=dt.datetime(2026, 3, 9, 8, 0)))  # noqa: DTZ001


def test_text_is_escaped_and_multiline_text_survives():
    subject = 'Về việc "A & B" <khẩn>\r\nDòng hai'
    edoc = make_edoc(subject=subject)
    assert parse(build_edoc(edoc)).subject == subject


def test_characters_xml_cannot_carry_are_refused():
    with pytest.raises(EdxmlError, match="Subject"):
        build_edoc(make_edoc(subject="trích yếu\x00"))


def test_an_edoc_needs_a_recipient():
    with pytest.raises(EdxmlError, match="To"):
        build_edoc(make_edoc(to=[]))


def test_default_content_ids_are_deterministic_and_unique():
    attachments = [Attachment(name="a.pdf", data=b"1"), Attachment(name="a.pdf", data=b"1")]
    first = build_edoc(make_edoc(attachments=attachments))
    again = build_edoc(make_edoc(attachments=[Attachment(name="a.pdf", data=b"1")] * 2))
    assert first == again
    ids = [a.content_id for a in parse(first).attachments]
    assert len(set(ids)) == 2


@pytest.mark.parametrize("code", list(StatusCode))
def test_every_status_code_round_trips(code):
    status = make_status(status_code=code.value)
    assert parse(build_status(status)).status_code == code.value


def test_business_details_round_trip():
    update = Business(
        business_doc_type=2,
        document_id="000.00.00.H41,2026/03/01,100/UBND-VX",
        document_info=BusinessDocumentInfo(
            document_info=1,
            document_receiver=1,
            receivers=[Receiver("000.00.15.H47", 0), Receiver("000.00.16.H47", 1)],
        ),
    )
    replace = Business(
        business_doc_type=3,
        replacement_info=[
            ReplacementInfo("000.00.00.H41,2026/03/01,100/UBND-VX", ["000.00.15.H47"])
        ],
    )
    for business in (update, replace):
        edoc = make_edoc(business=business)
        assert parse(build_edoc(edoc)) == edoc


def test_all_empty_response_for_is_not_written():
    edoc = make_edoc(response_for=[ResponseFor()])
    assert b"ResponseFor" not in build_edoc(edoc)
