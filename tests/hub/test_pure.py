"""The hub's pure parts, in process: routing decisions, the TraceHeader splice, storage
paths and durability steps, the mapping of edXML refusals to API codes."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from vanthu.edxml import EdxmlError, Organization, ResponseFor, build_edoc, parse
from vanthu.edxml.constants import VN_TZ
from vanthu.hub.envelope import Envelope, from_message, read_envelope
from vanthu.hub.errors import HubError, edxml_error_code, http_status
from vanthu.hub.routing import Host
from vanthu.hub.routing import route as route_envelope
from vanthu.hub.storage import LocalStorage, PayloadTooLarge, key_for
from vanthu.hub.tracing import NO_SPLICE, make_splice
from vanthu.vxp import ErrorCode

from ..edxml.factories import make_edoc, make_status
from ..edxml.test_hostile import LAUGHS, XXE

HOSTS = {
    "000.00.00.H41": Host("000.00.00.H41", "sys.a"),
    "H41": Host("000.00.00.H41", "sys.a"),
    "000.00.15.H47": Host("000.00.15.H47", "sys.b"),
    "001.00.10.H47": Host("001.00.10.H47", "sys.b"),
    "000.00.00.G09": Host("000.00.00.G09", "@upstream", upstream=True),
}


def route(message, **kwargs):
    return route_envelope(from_message(message), **kwargs)


MOMENT = dt.datetime(2026, 3, 9, 9, 15, 30, tzinfo=VN_TZ)


def org(code: str) -> Organization:
    return Organization(organ_id=code, name="x")


def refused(code: ErrorCode, **kwargs) -> str:
    with pytest.raises(HubError) as caught:
        route(**kwargs)
    assert caught.value.code == code
    return caught.value.message


def test_two_agencies_of_one_system_make_one_delivery():
    decided = route(make_edoc(), caller="sys.a", hosts=HOSTS)
    assert decided.kind == "edoc"
    assert decided.recipients == {"sys.b": ["000.00.15.H47", "001.00.10.H47"]}


def test_a_qd20_code_and_lower_case_are_routed_to_the_canonical_code():
    edoc = make_edoc(from_=org("h41"), to=[org("000.00.15.h47")])
    decided = route(edoc, caller="sys.a", hosts=HOSTS)
    assert decided.from_code == "000.00.00.H41"
    assert decided.recipients == {"sys.b": ["000.00.15.H47"]}


def test_a_status_goes_to_the_system_of_the_original_sender():
    decided = route(make_status(), caller="sys.b", hosts=HOSTS)
    assert decided.kind == "status"
    assert decided.recipients == {"sys.a": ["000.00.00.H41"]}


def test_an_unknown_recipient_refuses_the_whole_package():
    edoc = make_edoc(to=[org("000.00.15.H47"), org("000.00.99.H99")])
    assert "000.00.99.H99" in refused(
        ErrorCode.UNKNOWN_RECIPIENT, message=edoc, caller="sys.a", hosts=HOSTS
    )


def test_a_status_about_an_unknown_agency_is_refused():
    status = make_status(response_for=ResponseFor(organ_id="000.00.99.H99"))
    refused(ErrorCode.UNKNOWN_RECIPIENT, message=status, caller="sys.b", hosts=HOSTS)


def test_the_sender_must_be_hosted_by_the_caller():
    refused(ErrorCode.SENDER_NOT_REGISTERED, message=make_edoc(), caller="sys.b", hosts=HOSTS)
    stranger = make_edoc(from_=org("000.00.77.H77"))
    refused(ErrorCode.SENDER_NOT_REGISTERED, message=stranger, caller="sys.a", hosts=HOSTS)


def test_the_from_header_must_name_the_packages_sender():
    message = refused(
        ErrorCode.BAD_REQUEST,
        message=make_edoc(),
        caller="sys.a",
        hosts=HOSTS,
        from_header="000.00.15.H47",
    )
    assert "from" in message


def test_the_to_header_narrows_to_named_recipients_only():
    edoc = make_edoc(to=[org("000.00.15.H47"), org("000.00.00.G09")])
    decided = route(edoc, caller="sys.a", hosts=HOSTS, to_header=["000.00.00.G09"])
    assert decided.recipients == {"@upstream": ["000.00.00.G09"]}
    refused(
        ErrorCode.BAD_REQUEST,
        message=edoc,
        caller="sys.a",
        hosts=HOSTS,
        to_header=["001.00.10.H47"],
    )


def test_a_package_from_upstream_is_delivered_only_to_our_agencies():
    edoc = make_edoc(from_=org("000.00.00.G09"), to=[org("000.00.00.G09"), org("H41")])
    decided = route(edoc, caller="@upstream", hosts=HOSTS, from_upstream=True)
    assert decided.recipients == {"sys.a": ["000.00.00.H41"]}
    only_upstream = make_edoc(from_=org("000.00.00.G09"), to=[org("000.00.00.G09")])
    refused(
        ErrorCode.UNKNOWN_RECIPIENT,
        message=only_upstream,
        caller="@upstream",
        hosts=HOSTS,
        from_upstream=True,
    )


def trace_of(data: bytes) -> list[tuple[str | None, dt.datetime | None]]:
    return [(t.organ_id, t.timestamp) for t in parse(data).trace]


def test_the_trace_header_is_appended_without_touching_other_bytes():
    data = build_edoc(make_edoc(), zip_attachments=True)
    splice = make_splice(data, "000.00.00.G22", MOMENT)
    delivered = splice.apply(data)
    assert trace_of(delivered) == trace_of(data) + [("000.00.00.G22", MOMENT)]
    assert delivered[: splice.start] == data[: splice.start]
    assert delivered[splice.start + len(splice.fragment) :] == data[splice.end :]
    assert b"<edXML:TraceHeader><edXML:OrganId>000.00.00.G22" in splice.fragment
    assert parse(delivered).attachments[0].read() == parse(data).attachments[0].read()


def test_a_status_message_gets_a_new_trace_list_after_its_message_header():
    from vanthu.edxml import build_status

    data = build_status(make_status())
    delivered = make_splice(data, "000.00.00.G22", MOMENT).apply(data)
    assert b"</edXML:MessageHeader><edXML:TraceHeaderList><edXML:TraceHeader>" in delivered
    assert parse(delivered).status_code == "03"


TRICKY = """<?xml version="1.0" encoding="UTF-8"?>
<!-- </edXML:TraceHeaderList> in a comment -->
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><e:edXMLEnvelope
 xmlns:e="http://www.mic.gov.vn/TBT/QCVN_102_2016"><e:edXMLHeader><e:MessageHeader>
<e:From><e:OrganId>000.00.00.H41</e:OrganId></e:From><e:To><e:OrganId>000.00.15.H47</e:OrganId></e:To>
<e:Code><e:CodeNumber>1</e:CodeNumber><e:CodeNotation>UBND</e:CodeNotation></e:Code>
<e:Subject attr="a > b"><![CDATA[</e:TraceHeaderList> <e:TraceHeaderList/>]]></e:Subject>
</e:MessageHeader><e:TraceHeaderList version="1.0" actor='x>y'/></e:edXMLHeader></e:edXMLEnvelope></edXML>"""


def test_comments_cdata_and_quoted_brackets_do_not_fool_the_scanner():
    data = TRICKY.encode("utf-8")
    delivered = make_splice(data, "000.00.00.G22", MOMENT).apply(data)
    assert trace_of(delivered) == [("000.00.00.G22", MOMENT)]
    assert b"<e:TraceHeaderList version=\"1.0\" actor='x>y'><e:TraceHeader>" in delivered
    assert parse(delivered).subject == "</e:TraceHeaderList> <e:TraceHeaderList/>"


def test_utf16_packages_are_spliced_in_their_own_encoding():
    text = TRICKY.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode("utf-16")  # with a BOM
    delivered = make_splice(data, "000.00.00.G22", MOMENT).apply(data)
    assert trace_of(delivered) == [("000.00.00.G22", MOMENT)]


def test_a_document_without_header_is_left_unchanged():
    assert make_splice(b"<x/>", "000.00.00.G22", MOMENT) == NO_SPLICE


def test_storage_keys_are_content_addresses():
    digest = hashlib.sha256(b"x").hexdigest()
    assert key_for(digest) == f"{digest[:2]}/{digest}.edxml"
    with pytest.raises(ValueError):
        key_for("../../etc/passwd")


def test_a_payload_is_hashed_written_and_renamed_into_place(tmp_path):
    storage = LocalStorage(tmp_path)
    writer = storage.writer(100)
    writer.write(b"abc")
    writer.write(b"def")
    assert writer.finish() == b"abcdef"
    key = writer.commit()
    assert writer.sha256 == hashlib.sha256(b"abcdef").hexdigest()
    assert storage.read(key) == b"abcdef"
    assert list(storage.temp_dir.iterdir()) == []
    # The same bytes again (a retry after a crash) land on the same key.
    assert storage.save(b"abcdef") == (writer.sha256, key)


def test_a_payload_over_the_cap_is_refused_and_leaves_nothing(tmp_path):
    storage = LocalStorage(tmp_path)
    writer = storage.writer(4)
    with pytest.raises(PayloadTooLarge):
        writer.write(b"12345")
    writer.discard()
    assert list(storage.temp_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not xml", ErrorCode.INVALID_FILE),
        (XXE, ErrorCode.INVALID_FILE),
        (LAUGHS, ErrorCode.INVALID_FILE),
        (b"<x/>", ErrorCode.INVALID_FILE),
        (b'<edXML xmlns="http://www.go.vn/eDoc"/>', ErrorCode.NOT_CONFORMANT),
        (b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>', ErrorCode.NOT_CONFORMANT),
    ],
)
def test_edxml_refusals_map_to_api_codes(data, code):
    with pytest.raises(EdxmlError) as caught:
        parse(data)
    assert edxml_error_code(caught.value.reason) == code


def test_an_oversized_package_maps_to_24():
    with pytest.raises(EdxmlError) as caught:
        parse(b"<x/>" * 10, max_size=8)
    assert edxml_error_code(caught.value.reason) == ErrorCode.TOO_LARGE


def test_http_statuses_of_the_api():
    assert http_status(ErrorCode.AUTH_FAILED) == 401
    assert http_status(ErrorCode.UNKNOWN_RECIPIENT) == 404
    assert http_status(ErrorCode.TOO_LARGE) == 413
    assert HubError(ErrorCode.HASH_MISMATCH, "x").http_status == 422


ENVELOPE_CASES = [
    build_edoc(make_edoc()),
    build_edoc(make_edoc(to=[org("null"), org("000.00.15.H47")])),
    TRICKY.encode("utf-8"),
    b"not xml",
    XXE,
    LAUGHS,
    b"<x/>",
    b'<edXML xmlns="http://www.go.vn/eDoc"/>',
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader>'
    b"<MessageHeader><From><OrganId>1</OrganId></From></MessageHeader></edXMLHeader>"
    b"</edXMLEnvelope></edXML>",
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader>'
    b"<MessageHeader><StatusCode>01</StatusCode><From/></MessageHeader></edXMLHeader>"
    b"</edXMLEnvelope></edXML>",
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader>'
    b"<MessageHeader><To><OrganId>2</OrganId></To><Code>12/UBND</Code><From><OrganId>1"
    b"</OrganId></From></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>",
]


@pytest.mark.parametrize("data", ENVELOPE_CASES)
def test_the_envelope_reader_refuses_exactly_what_the_parser_refuses(data):
    try:
        message = parse(data)
    except EdxmlError as exc:
        with pytest.raises(EdxmlError) as caught:
            read_envelope(data)
        assert caught.value.reason == exc.reason
        return
    assert read_envelope(data) == from_message(message)


def test_the_envelope_of_a_status_names_its_target():
    from vanthu.edxml import build_status

    envelope = read_envelope(build_status(make_status()))
    assert envelope == Envelope(
        kind="status",
        from_code="000.00.15.H47",
        response_for="000.00.00.H41",
        notation="125/UBND-VX",
        title="Văn thư: đã tiếp nhận, vào sổ văn bản đến",
        document_id="000.00.00.H41,2026/03/09,125/UBND-VX",
        status_code="03",
    )


def multipart_body(parts: list[tuple[str, bytes]], boundary: str = "xYz") -> bytes:
    out = [b"preamble to ignore"]
    for name, content in parts:
        out.append(
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="f"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + content
        )
    out.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(out)


def read_upload(tmp_path, body: bytes, chunk: int, max_size: int = 10_000):
    import io

    from vanthu.hub import uploads

    storage = LocalStorage(tmp_path)
    stream = io.BytesIO(body)
    original = uploads.CHUNK
    uploads.CHUNK = chunk
    try:
        writer = uploads.read_file_doc(
            stream.read, len(body), b"xYz", lambda: storage.writer(max_size)
        )
    finally:
        uploads.CHUNK = original
    return writer.finish()


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 4096])
def test_the_upload_reader_finds_file_doc_across_chunk_borders(tmp_path, chunk):
    # "\r\n--xY" and "\n--xYz" look like the start of a delimiter; neither is one.
    payload = b"<edXML>\r\n--xY not the boundary\n--xYz-almost</edXML>" * 5
    body = multipart_body([("other", b"ignored\r\n--xY"), ("file_doc", payload)])
    assert read_upload(tmp_path, body, chunk) == payload
    assert list((tmp_path / "tmp").iterdir())  # the finished file, not yet committed


@pytest.mark.parametrize(
    ("parts", "message", "too_large"),
    [
        ([("other", b"x")], "Cần đúng một phần file_doc.", False),
        ([("file_doc", b"a"), ("file_doc", b"b")], "Cần đúng một phần file_doc.", False),
        ([("file_doc", b"x" * 20_000)], "Gói tin vượt quá giới hạn.", True),
    ],
)
def test_the_upload_reader_refuses_bad_bodies_and_leaves_nothing(
    tmp_path, parts, message, too_large
):
    from vanthu.hub.uploads import UploadError

    with pytest.raises(UploadError) as caught:
        read_upload(tmp_path, multipart_body(parts), 1000)
    assert (str(caught.value), caught.value.too_large) == (message, too_large)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_truncated_body_is_refused(tmp_path):
    from vanthu.hub.uploads import UploadError

    body = multipart_body([("file_doc", b"abc")])[:-10]
    with pytest.raises(UploadError):
        read_upload(tmp_path, body, 5)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (20, "dưới 1 phút"),
        (12 * 60 + 5, "12 phút"),
        (3600, "1 giờ"),
        (5 * 3600 + 10 * 60, "5 giờ 10 phút"),
        (2 * 86400, "2 ngày"),
        (2 * 86400 + 3 * 3600 + 59, "2 ngày 3 giờ"),
    ],
)
def test_ages_on_the_operator_page_read_in_vietnamese(seconds, text):
    from vanthu.hub.clock import format_age

    assert format_age(dt.timedelta(seconds=seconds)) == text


def test_list_times_are_vietnam_local_time():
    from vanthu.hub.clock import local_time

    assert local_time(dt.datetime(2026, 3, 9, 1, 2, 3, tzinfo=dt.UTC)) == "2026-03-09 08:02:03"
    assert local_time(dt.datetime(2026, 3, 9, 1, 2, 3)) == "2026-03-09 08:02:03"
    assert local_time("2026-03-09 01:02:03.5") == "2026-03-09 08:02:03"
    assert local_time(None) == ""
