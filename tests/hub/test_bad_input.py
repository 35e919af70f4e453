"""Bad input at the hub: each request is refused with its error code and HTTP status,
nothing is stored (no package row, no payload file, no temporary file left), and the
refusal is logged for the operator."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from vanthu.edxml import build_edoc

from ..edxml.factories import make_edoc
from ..edxml.test_hostile import LAUGHS, XXE
from .conftest import (
    H41,
    MULTIPART_TYPE,
    SECRETS,
    SO_TTTT_QN,
    multipart,
    raw_call,
    signed,
    status_for,
    unique_edoc,
)

WRONG_NAMESPACE = build_edoc(make_edoc()).replace(
    b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"http://www.e-doc.vn/Schema/"
)
MISSING_HEADER = (
    b'<?xml version="1.0"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    b"<edXMLEnvelope><edXMLBody/></edXMLEnvelope></edXML>"
)


def send_fields(data: bytes, **overrides: str) -> dict[str, str]:
    fields = {
        "from": H41,
        "servicetype": "eDoc",
        "messagetype": "edoc",
        "hash-file": hashlib.sha256(data).hexdigest(),
    }
    fields.update(overrides)
    return fields


def post_package(hub, data: bytes, systemid: str = "sys.a", **overrides: str):
    return raw_call(
        hub,
        "sendEdoc",
        headers=signed(systemid, send_fields(data, **overrides)),
        body=multipart(data),
        content_type=MULTIPART_TYPE,
    )


@pytest.fixture
def nothing_stored(hub):
    """Asserts after the test that no package, delivery or payload file was added."""
    before = (hub.count("hub_package"), hub.count("hub_delivery"), len(hub.payload_files()))
    yield
    after = (hub.count("hub_package"), hub.count("hub_delivery"), len(hub.payload_files()))
    assert after == before
    assert hub.temp_files() == []


def assert_refused(hub, answer, code: str, http: int) -> None:
    status, body = answer
    assert (status, body["status"], body["ErrorCode"]) == (http, "FAIL", code)
    assert body["ErrorDesc"]
    reasons = [reason for _op, _system, reason in hub.rejections(code)]
    assert body["ErrorDesc"] in reasons


@pytest.mark.parametrize(
    ("data", "code", "http"),
    [
        (b"this is not XML at all", "10", 400),
        (b"<edXML><unclosed></edXML>", "10", 400),
        (XXE, "10", 400),
        (LAUGHS, "10", 400),
        (WRONG_NAMESPACE, "22", 400),
        (MISSING_HEADER, "22", 400),
    ],
    ids=["not-xml", "malformed", "xxe", "billion-laughs", "wrong-namespace", "missing-parts"],
)
def test_an_invalid_package_is_refused(hub, nothing_stored, data, code, http):
    assert_refused(hub, post_package(hub, data), code, http)


def test_the_billion_laughs_answer_is_quick_and_leaks_nothing(hub, nothing_stored):
    status, body = post_package(hub, XXE)
    assert "root:" not in body["ErrorDesc"]
    assert "DOCTYPE" in body["ErrorDesc"]


def test_a_bad_hmac_is_refused(hub, nothing_stored):
    data = unique_edoc()
    headers = signed("sys.a", send_fields(data))
    headers["XroadVnpt-hash-header"] = "0" * 64
    answer = raw_call(
        hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
    )
    assert_refused(hub, answer, "15", 401)


def test_a_header_changed_after_signing_is_refused(hub, nothing_stored):
    data = unique_edoc()
    headers = signed("sys.a", send_fields(data))
    headers["XroadVnpt-messagetype"] = "status"
    answer = raw_call(
        hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
    )
    assert_refused(hub, answer, "15", 401)


def test_an_unknown_system_or_a_wrong_secret_is_refused(hub, nothing_stored):
    from vanthu.vxp import sign_request

    data = unique_edoc()
    for systemid, secret in (("sys.x", "whatever"), ("sys.a", SECRETS["sys.b"])):
        headers = sign_request(systemid, secret, send_fields(data))
        answer = raw_call(
            hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
        )
        assert_refused(hub, answer, "15", 401)


def test_missing_authentication_headers_are_refused(hub, nothing_stored):
    data = unique_edoc()
    answer = raw_call(hub, "sendEdoc", body=multipart(data), content_type=MULTIPART_TYPE)
    assert_refused(hub, answer, "15", 401)


def test_a_replayed_request_is_refused(hub):
    data = unique_edoc()
    headers = signed("sys.a", send_fields(data))
    status, first = raw_call(
        hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
    )
    assert (status, first["status"]) == (200, "OK")
    packages = hub.count("hub_package")
    replay = raw_call(
        hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
    )
    assert_refused(hub, replay, "16", 401)
    assert hub.count("hub_package") == packages
    # A replayed read is refused too.
    list_headers = signed("sys.b", {"servicetype": "eDoc", "messagetype": "edoc"})
    assert raw_call(hub, "getReceivedEdocList", headers=list_headers)[0] == 200
    assert_refused(hub, raw_call(hub, "getReceivedEdocList", headers=list_headers), "16", 401)


def test_the_same_headers_for_two_operations_are_two_requests(hub):
    """The SDK signs no nonce, and its two count calls carry identical headers: sent within
    one millisecond they have the same signature, yet each is answered once."""
    headers = signed("sys.b", {})
    edocs = raw_call(hub, "countReceiveEdoc", headers=headers)
    statuses = raw_call(hub, "countReceiveStatus", headers=headers)
    assert (edocs[0], statuses[0]) == (200, 200)
    assert "count" in edocs[1] and "count" in statuses[1]
    assert_refused(hub, raw_call(hub, "countReceiveStatus", headers=headers), "16", 401)


def test_a_stale_timestamp_is_refused(hub, nothing_stored):
    data = unique_edoc()
    for offset in (-600, 600):
        moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
        headers = signed("sys.a", send_fields(data), now=moment)
        answer = raw_call(
            hub, "sendEdoc", headers=headers, body=multipart(data), content_type=MULTIPART_TYPE
        )
        assert_refused(hub, answer, "16", 401)


def test_an_unknown_recipient_refuses_the_whole_package(hub, nothing_stored):
    only_unknown = unique_edoc(["000.00.99.H99"])
    assert_refused(hub, post_package(hub, only_unknown), "18", 404)
    one_known_one_unknown = unique_edoc([SO_TTTT_QN, "000.00.99.H99"])
    assert_refused(hub, post_package(hub, one_known_one_unknown), "18", 404)
    status = status_for("000.00.99.H99")
    answer = post_package(hub, status, "sys.b", **{"from": SO_TTTT_QN, "messagetype": "status"})
    assert_refused(hub, answer, "18", 404)


def test_a_sender_not_hosted_by_the_calling_system_is_refused(hub, nothing_stored):
    # sys.b sends a package "from" A's agency.
    data = unique_edoc()
    assert_refused(hub, post_package(hub, data, "sys.b"), "19", 403)
    unknown_sender = unique_edoc(sender="000.00.77.H77")
    answer = post_package(hub, unknown_sender, **{"from": "000.00.77.H77"})
    assert_refused(hub, answer, "19", 403)


def test_an_oversized_package_is_refused_before_it_is_read(hub, nothing_stored):
    big = unique_edoc(padding=600_000)  # 1.2 MB, over the 1 MB limit of this hub
    assert len(big) > 1024 * 1024 + 64 * 1024
    assert_refused(hub, post_package(hub, big), "24", 413)


def test_an_oversized_package_within_the_multipart_slack_is_cut_while_streaming(
    hub, nothing_stored
):
    data = unique_edoc(padding=(1024 * 1024 + 8 * 1024) // 2)
    assert 1024 * 1024 < len(data) < 1024 * 1024 + 64 * 1024
    assert_refused(hub, post_package(hub, data), "24", 413)


def test_a_hash_mismatch_is_refused(hub, nothing_stored):
    data = unique_edoc()
    answer = post_package(hub, data, **{"hash-file": hashlib.sha256(b"other").hexdigest()})
    assert_refused(hub, answer, "21", 422)


@pytest.mark.parametrize(
    ("fields", "body", "content_type"),
    [
        ({"messagetype": "status"}, None, MULTIPART_TYPE),  # an edoc sent as a status
        ({"messagetype": "nonsense"}, None, MULTIPART_TYPE),
        ({}, b'{"file_doc": "x"}', "application/json"),
        ({}, multipart(b"<x/>", field="other"), MULTIPART_TYPE),
        ({"from": SO_TTTT_QN}, None, MULTIPART_TYPE),  # header From differs from the package
        ({"to": "not json"}, None, MULTIPART_TYPE),
    ],
    ids=["wrong-messagetype", "bad-messagetype", "not-multipart", "no-file-doc", "from", "to"],
)
def test_bad_parameters_are_refused(hub, nothing_stored, fields, body, content_type):
    data = unique_edoc()
    answer = raw_call(
        hub,
        "sendEdoc",
        headers=signed("sys.a", send_fields(data, **fields)),
        body=multipart(data) if body is None else body,
        content_type=content_type,
    )
    assert_refused(hub, answer, "26", 400)


def test_get_is_not_an_api_call(hub):
    assert_refused(hub, raw_call(hub, "getEdoc", method="GET"), "26", 400)


def test_an_acknowledgement_with_a_bad_status_is_refused(hub):
    headers = signed("sys.b", {"docId": "x", "status": "deleted"})
    assert_refused(hub, raw_call(hub, "updateStatus", headers=headers), "26", 400)
