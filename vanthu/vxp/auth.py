"""The `XroadVnpt-*` request signature of the VXP SDK (STANDARDS 2.3).

Every call carries its parameters as headers; a JSON object of those headers is signed with
HMAC-SHA256 under the connected system's secret. The server recomputes the HMAC over the JSON
text it received and checks that each signed value is the header actually sent, so neither the
order of keys nor an added header can change what was signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from vanthu.vxp.codes import ErrorCode

PREFIX = "XroadVnpt-"
VERSION = "3.0.201608"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
# How far a request's timestamp may be from the server's clock; outside it the request is a
# replay or a badly set clock, and is refused either way.
MAX_SKEW_SECONDS = 300

# The SDK formats its timestamps in the machine's local time; for Vietnamese systems that is
# UTC+7, and both ends of our exchange agree on it.
VIETNAM = timezone(timedelta(hours=7), "ICT")
_TIMESTAMP = re.compile(r"^(\d{2})(\d{2})(\d{4})T(\d{2})(\d{2})(\d{2})\+(\d{1,4})$")
_RESERVED = {"sign-header", "sign-header-key", "hash-header", "version"}


class AuthFailure(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VerifiedRequest:
    systemid: str
    timestamp: datetime
    fields: dict[str, str] = field(default_factory=dict)
    signature: str = ""


def format_timestamp(moment: datetime) -> str:
    """`ddMMyyyy'T'HHmmss+SSSS` in Vietnam time (SSSS: milliseconds, four digits)."""
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    local = moment.astimezone(VIETNAM)
    return local.strftime("%d%m%YT%H%M%S") + f"+{local.microsecond // 1000:04d}"


def parse_timestamp(text: str) -> datetime:
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        raise ValueError(f"not a VXP timestamp: {text!r}")
    day, month, year, hour, minute, second, millis = (int(g) for g in match.groups())
    return datetime(year, month, day, hour, minute, second, millis * 1000 % 1_000_000, VIETNAM)


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_request(
    systemid: str, secret: str, fields: Mapping[str, str], *, now: datetime | None = None
) -> dict[str, str]:
    """The HTTP headers of one call: every parameter as `XroadVnpt-{name}` plus the signed
    JSON of them, the list of names and the HMAC."""
    moment = now or datetime.now(UTC)
    values: dict[str, str] = {"systemid": systemid, "timestamp": format_timestamp(moment)}
    for name, value in fields.items():
        if name in _RESERVED or name in values:
            raise ValueError(f"reserved header name {name!r}")
        values[name] = value
    signed = json.dumps({PREFIX + k: v for k, v in values.items()}, ensure_ascii=False)
    headers = {PREFIX + k: v for k, v in values.items()}
    headers[PREFIX + "sign-header"] = signed
    headers[PREFIX + "sign-header-key"] = ";".join(values)
    headers[PREFIX + "hash-header"] = _hmac(secret, signed)
    headers[PREFIX + "version"] = VERSION
    headers["User-Agent"] = USER_AGENT
    return headers


def verify_request(
    headers: Mapping[str, str],
    secret_for: Callable[[str], str | None],
    *,
    now: datetime | None = None,
    max_skew: int = MAX_SKEW_SECONDS,
) -> VerifiedRequest:
    """Check one request's signature. `headers` may be any mapping; names are compared
    without regard to case, as HTTP requires."""
    lowered = {k.lower(): v for k, v in headers.items()}

    def header(name: str) -> str | None:
        return lowered.get((PREFIX + name).lower())

    signed_text = header("sign-header")
    given_hmac = header("hash-header")
    if not signed_text or not given_hmac:
        raise AuthFailure(ErrorCode.AUTH_FAILED, "Thiếu tiêu đề xác thực XroadVnpt.")
    try:
        signed = json.loads(signed_text)
    except ValueError:
        raise AuthFailure(ErrorCode.AUTH_FAILED, "Tiêu đề sign-header không phải JSON.") from None
    if not isinstance(signed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in signed.items()
    ):
        raise AuthFailure(ErrorCode.AUTH_FAILED, "Tiêu đề sign-header sai cấu trúc.")
    fields: dict[str, str] = {}
    for key, value in signed.items():
        if not key.lower().startswith(PREFIX.lower()):
            raise AuthFailure(ErrorCode.AUTH_FAILED, f"Khóa ký lạ: {key}.")
        name = key[len(PREFIX) :]
        # A signed value must be what was actually sent, or a proxy could swap a header.
        if header(name) != value:
            raise AuthFailure(ErrorCode.AUTH_FAILED, f"Tiêu đề {key} khác với giá trị đã ký.")
        fields[name] = value
    systemid = fields.pop("systemid", "")
    stamp = fields.pop("timestamp", "")
    if not systemid or not stamp:
        raise AuthFailure(ErrorCode.AUTH_FAILED, "Thiếu mã hệ thống hoặc thời điểm đã ký.")
    secret = secret_for(systemid)
    if secret is None:
        raise AuthFailure(ErrorCode.AUTH_FAILED, f"Hệ thống {systemid} chưa được đăng ký.")
    if not hmac.compare_digest(_hmac(secret, signed_text), given_hmac.strip().lower()):
        raise AuthFailure(ErrorCode.AUTH_FAILED, "Chữ ký HMAC của yêu cầu không đúng.")
    try:
        moment = parse_timestamp(stamp)
    except ValueError:
        raise AuthFailure(ErrorCode.STALE_REQUEST, "Thời điểm của yêu cầu sai định dạng.") from None
    skew = abs(((now or datetime.now(UTC)) - moment).total_seconds())
    if skew > max_skew:
        raise AuthFailure(
            ErrorCode.STALE_REQUEST,
            f"Yêu cầu lệch {int(skew)} giây so với đồng hồ của trục (tối đa {max_skew}).",
        )
    return VerifiedRequest(systemid, moment, fields, given_hmac.strip().lower())
