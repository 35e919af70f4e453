"""Error codes of the axis API and the JSON bodies that carry them.

The VXP SDK only shows `status` "OK"/"FAIL" with `ErrorCode`/`ErrorDesc`; the numbers follow
the one published list (LGSP Lạng Sơn: 10 invalid file, 15 wrong credentials, 18 unknown
recipient, 19 sender not registered, 20 system error, 21 file processing error, 22 not
conformant) and extend it where that list is silent.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    OK = "0"
    INVALID_FILE = "10"  # not XML, unsafe XML (DTD, entities), not an edXML message
    AUTH_FAILED = "15"  # missing authentication headers, unknown system, bad HMAC
    STALE_REQUEST = "16"  # timestamp outside the window, or a replayed signature
    UNKNOWN_RECIPIENT = "18"
    SENDER_NOT_REGISTERED = "19"  # the From agency is not hosted by the calling system
    SYSTEM_ERROR = "20"
    HASH_MISMATCH = "21"  # hash-file differs from the SHA-256 of file_doc
    NOT_CONFORMANT = "22"  # wrong namespace, required parts missing
    TOO_LARGE = "24"
    UNKNOWN_DOCUMENT = "25"  # docId unknown to, or not addressed to, the calling system
    BAD_REQUEST = "26"  # missing or invalid parameters


# What the hub answers over HTTP for each failure; the JSON body carries the code anyway,
# the status only helps proxies and logs.
HTTP_STATUS = {
    ErrorCode.OK: 200,
    ErrorCode.INVALID_FILE: 400,
    ErrorCode.NOT_CONFORMANT: 400,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.AUTH_FAILED: 401,
    ErrorCode.STALE_REQUEST: 401,
    ErrorCode.SENDER_NOT_REGISTERED: 403,
    ErrorCode.UNKNOWN_RECIPIENT: 404,
    ErrorCode.UNKNOWN_DOCUMENT: 404,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.HASH_MISMATCH: 422,
    ErrorCode.SYSTEM_ERROR: 500,
}

# Failures a sender should try again later rather than give up on.
RETRYABLE = frozenset({ErrorCode.SYSTEM_ERROR})


def ok_body(**extra: object) -> dict[str, object]:
    return {"status": "OK", "ErrorCode": ErrorCode.OK.value, "ErrorDesc": "", **extra}


def fail_body(code: ErrorCode, desc: str) -> dict[str, object]:
    return {"status": "FAIL", "ErrorCode": ErrorCode(code).value, "ErrorDesc": desc}
