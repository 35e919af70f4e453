"""The one error the hub's actions raise, carrying a VXP error code (pure Python)."""

from __future__ import annotations

from vanthu.vxp.codes import HTTP_STATUS, ErrorCode


class HubError(Exception):
    """A refusal: the API answers FAIL with ``code`` and the Vietnamese ``message``."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message

    @property
    def http_status(self) -> int:
        return http_status(self.code)


def http_status(code: ErrorCode) -> int:
    return HTTP_STATUS.get(ErrorCode(code), 500)


def edxml_error_code(reason: str) -> ErrorCode:
    """Map a vanthu.edxml refusal to the API's code: a well-formed XML document that is not a
    conforming edXML message is 22; anything that is not (safe) XML at all is 10."""
    lowered = reason.lower()
    if lowered.startswith("input is") and "over the limit" in lowered:
        return ErrorCode.TOO_LARGE
    if lowered.startswith(("wrong namespace", "missing mandatory part", "an edoc needs")):
        return ErrorCode.NOT_CONFORMANT
    return ErrorCode.INVALID_FILE
