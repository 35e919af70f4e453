"""The XroadVnpt request signature: what a hub accepts and what it must refuse."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from vanthu.vxp import (
    AuthFailure,
    ErrorCode,
    format_timestamp,
    parse_timestamp,
    sign_request,
    verify_request,
)

SECRETS = {"vxp.tinh.01": "bí-mật-1", "vxp.bo.02": "secret-2"}
NOW = datetime(2026, 12, 1, 6, 30, 15, 123000, tzinfo=UTC)


def _verify(headers, now=NOW):
    return verify_request(headers, SECRETS.get, now=now)


def test_timestamp_is_the_sdk_format_in_vietnam_time():
    assert format_timestamp(NOW) == "01122026T133015+0123"
    assert parse_timestamp("01122026T133015+0123") == NOW


def test_timestamp_must_be_aware_and_well_formed():
    with pytest.raises(ValueError):
        format_timestamp(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        parse_timestamp("2026-12-01T13:30:15")


def test_signed_headers_follow_the_sdk_and_verify():
    headers = sign_request(
        "vxp.tinh.01", "bí-mật-1", {"servicetype": "eDoc", "from": "000.00.00.H41"}, now=NOW
    )
    assert headers["XroadVnpt-systemid"] == "vxp.tinh.01"
    assert headers["XroadVnpt-sign-header-key"] == "systemid;timestamp;servicetype;from"
    signed = json.loads(headers["XroadVnpt-sign-header"])
    assert signed["XroadVnpt-from"] == "000.00.00.H41"
    expected = hmac.new(
        "bí-mật-1".encode(), headers["XroadVnpt-sign-header"].encode(), hashlib.sha256
    ).hexdigest()
    assert headers["XroadVnpt-hash-header"] == expected
    assert headers["User-Agent"] == "JAVASDKAgent/1.0.0 XRoad/VPCP"

    verified = _verify({k.lower(): v for k, v in headers.items()})  # any header case
    assert verified.systemid == "vxp.tinh.01"
    assert verified.fields == {"servicetype": "eDoc", "from": "000.00.00.H41"}
    assert verified.signature == expected
    assert verified.timestamp == NOW


def _refused(headers, code, now=NOW):
    with pytest.raises(AuthFailure) as caught:
        _verify(headers, now=now)
    assert caught.value.code == code
    return caught.value.message


def test_wrong_secret_is_refused():
    headers = sign_request("vxp.tinh.01", "not-the-secret", {}, now=NOW)
    assert "HMAC" in _refused(headers, ErrorCode.AUTH_FAILED)


def test_unknown_system_is_refused():
    headers = sign_request("vxp.la", "x", {}, now=NOW)
    assert "chưa được đăng ký" in _refused(headers, ErrorCode.AUTH_FAILED)


def test_a_header_changed_after_signing_is_refused():
    headers = sign_request("vxp.tinh.01", "bí-mật-1", {"docId": "A"}, now=NOW)
    headers["XroadVnpt-docId"] = "B"
    _refused(headers, ErrorCode.AUTH_FAILED)


def test_a_signed_value_edited_in_the_json_breaks_the_hmac():
    headers = sign_request("vxp.tinh.01", "bí-mật-1", {"docId": "A"}, now=NOW)
    headers["XroadVnpt-sign-header"] = headers["XroadVnpt-sign-header"].replace('"A"', '"B"')
    headers["XroadVnpt-docId"] = "B"
    _refused(headers, ErrorCode.AUTH_FAILED)


def test_missing_headers_and_bad_json_are_refused():
    _refused({}, ErrorCode.AUTH_FAILED)
    headers = sign_request("vxp.tinh.01", "bí-mật-1", {}, now=NOW)
    headers["XroadVnpt-sign-header"] = "{not json"
    _refused(headers, ErrorCode.AUTH_FAILED)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_stale_or_future_timestamps_are_refused(offset):
    headers = sign_request("vxp.tinh.01", "bí-mật-1", {}, now=NOW + offset)
    assert "lệch" in _refused(headers, ErrorCode.STALE_REQUEST)


def test_within_the_window_is_accepted():
    headers = sign_request("vxp.bo.02", "secret-2", {}, now=NOW - timedelta(minutes=4))
    assert _verify(headers).systemid == "vxp.bo.02"


def test_reserved_names_cannot_be_fields():
    with pytest.raises(ValueError):
        sign_request("vxp.tinh.01", "bí-mật-1", {"hash-header": "x"}, now=NOW)
