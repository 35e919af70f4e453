"""Routing decisions of the hub, as plain functions over a package's envelope (pure Python).

An edoc goes to every system hosting one of its To/OrganIds, once per system; a status goes
back to the system hosting ResponseFor/OrganId, the agency whose document it reports on.
The sender's From/OrganId must be an agency hosted by the calling system.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vanthu.vxp import ErrorCode

from .envelope import Envelope
from .errors import HubError


@dataclass(frozen=True)
class Host:
    """Where an agency is reached: its canonical (QCVN 102) code and its system."""

    code: str
    systemid: str
    upstream: bool = False  # hosted behind the upstream hub (federation)


@dataclass(frozen=True)
class Route:
    kind: str  # "edoc" | "status"
    from_code: str
    # systemid -> the recipient codes it receives the package for, in message order.
    recipients: dict[str, list[str]] = field(default_factory=dict)


def normalise_code(value: str | None) -> str:
    return (value or "").strip().upper()


def wanted_codes(envelope: Envelope) -> list[str]:
    """The agency codes a message names, for looking up their hosts in one query."""
    codes = [normalise_code(envelope.from_code)]
    if envelope.kind == "status":
        codes.append(normalise_code(envelope.response_for))
    else:
        codes.extend(normalise_code(c) for c in envelope.to_codes)
    return [c for c in dict.fromkeys(codes) if c]


def route(
    envelope: Envelope,
    *,
    caller: str,
    hosts: Mapping[str, Host],
    from_header: str | None = None,
    to_header: Sequence[str] | None = None,
    from_upstream: bool = False,
) -> Route:
    """Decide who receives the package sent by system ``caller``, or raise HubError.

    ``hosts`` maps both code forms (QCVN 102 and QĐ 20) of known agencies to their Host.
    ``to_header`` (the optional XroadVnpt-to list) narrows an edoc to some of its To
    agencies: a provincial hub forwarding upstream names only those it does not host, so the
    national hub does not send the others back. ``from_upstream`` is the provincial hub
    delivering what it pulled from the upstream: it keeps only the agencies it hosts itself.
    """
    from_code = normalise_code(envelope.from_code)
    if not from_code:
        raise HubError(ErrorCode.NOT_CONFORMANT, "Gói tin thiếu From/OrganId.")
    if from_header is not None and normalise_code(from_header) != from_code:
        raise HubError(
            ErrorCode.BAD_REQUEST,
            f"Tiêu đề from ({from_header}) khác From/OrganId của gói tin ({from_code}).",
        )
    sender = hosts.get(from_code)
    if not from_upstream and (sender is None or sender.systemid != caller):
        raise HubError(
            ErrorCode.SENDER_NOT_REGISTERED,
            f"Cơ quan gửi {from_code} không thuộc hệ thống {caller}.",
        )
    from_code = sender.code if sender is not None else from_code
    if envelope.kind == "status":
        return _route_status(envelope, from_code, hosts, from_upstream)
    return _route_edoc(envelope, from_code, hosts, to_header, from_upstream)


def _route_status(
    envelope: Envelope, from_code: str, hosts: Mapping[str, Host], from_upstream: bool
) -> Route:
    target = normalise_code(envelope.response_for)
    if not target:
        raise HubError(ErrorCode.NOT_CONFORMANT, "Gói trạng thái thiếu ResponseFor/OrganId.")
    host = hosts.get(target)
    if host is None or (from_upstream and host.upstream):
        raise HubError(ErrorCode.UNKNOWN_RECIPIENT, f"Không có cơ quan nhận {target} trên trục.")
    return Route("status", from_code, {host.systemid: [host.code]})


def _route_edoc(
    envelope: Envelope,
    from_code: str,
    hosts: Mapping[str, Host],
    to_header: Sequence[str] | None,
    from_upstream: bool,
) -> Route:
    named = [c for c in dict.fromkeys(normalise_code(c) for c in envelope.to_codes) if c]
    if not named:
        raise HubError(ErrorCode.NOT_CONFORMANT, "Gói tin không có To/OrganId nào.")
    if to_header:
        chosen = [c for c in dict.fromkeys(normalise_code(c) for c in to_header) if c]
        extra = [c for c in chosen if c not in named]
        if extra:
            raise HubError(
                ErrorCode.BAD_REQUEST,
                f"Tiêu đề to nêu cơ quan không có trong To của gói tin: {', '.join(extra)}.",
            )
        named = chosen
    if from_upstream:
        # The upstream delivers to the agencies it hosts itself; here only ours remain.
        named = [c for c in named if (h := hosts.get(c)) is not None and not h.upstream]
        if not named:
            raise HubError(ErrorCode.UNKNOWN_RECIPIENT, "Gói tin không gửi cơ quan nào của trục.")
    unknown = [c for c in named if c not in hosts]
    if unknown:
        raise HubError(
            ErrorCode.UNKNOWN_RECIPIENT,
            f"Không có cơ quan nhận trên trục: {', '.join(unknown)}.",
        )
    recipients: dict[str, list[str]] = {}
    for code in named:
        host = hosts[code]
        codes = recipients.setdefault(host.systemid, [])
        if host.code not in codes:
            codes.append(host.code)
    return Route("edoc", from_code, recipients)
