"""The VXP axis API (STANDARDS 2): request signing and verification, error codes and a
client. Pure Python, no Django: the hub, the connector and other vendors' tools share it."""

from vanthu.vxp.auth import (
    MAX_SKEW_SECONDS,
    AuthFailure,
    VerifiedRequest,
    format_timestamp,
    parse_timestamp,
    sign_request,
    verify_request,
)
from vanthu.vxp.client import VxpClient, VxpError, VxpUnavailable
from vanthu.vxp.codes import ErrorCode, fail_body, ok_body

__all__ = [
    "MAX_SKEW_SECONDS",
    "AuthFailure",
    "ErrorCode",
    "VerifiedRequest",
    "VxpClient",
    "VxpError",
    "VxpUnavailable",
    "fail_body",
    "format_timestamp",
    "ok_body",
    "parse_timestamp",
    "sign_request",
    "verify_request",
]
