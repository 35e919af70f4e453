"""The authenticated caller of an API operation and its request signature (pure Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vanthu.vxp import ErrorCode

from .errors import HubError


@dataclass(frozen=True)
class Caller:
    """An authenticated connected system (or, for pulled packages, the upstream hub)."""

    pk: int
    systemid: str


@dataclass(frozen=True)
class Seen:
    """A verified request's signature, remembered until its timestamp leaves the window."""

    signature: str
    expires_at: dt.datetime

    def row(self) -> tuple[str, dt.datetime]:
        return (self.signature, self.expires_at)


def replayed() -> HubError:
    return HubError(ErrorCode.STALE_REQUEST, "Yêu cầu đã được gửi trước đó (chữ ký lặp lại).")
