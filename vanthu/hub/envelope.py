"""What the hub reads of a package: its routing envelope (pure Python).

The bytes are loaded by vanthu.edxml's hardened loader (no DTD, no entities, no network,
size cap, root element and namespace checked) and the parts a hub needs are read with the
same helpers and the same mandatory parts as ``vanthu.edxml.parse``: a package parse()
refuses is refused here, with the same reason. What is skipped is the model of everything
else (signer, attachments, business data), which the hub never looks at and which made up
most of the parsing time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.etree import _Element

from vanthu.edxml import Edoc, EdxmlError, Message, StatusMessage
from vanthu.edxml.constants import DEFAULT_MAX_SIZE
from vanthu.edxml.xmlio import child, children, load, path, text

_NULL_IDS = {"", "null", "none", "nil"}


@dataclass(frozen=True)
class Envelope:
    kind: str  # "edoc" | "status"
    from_code: str
    to_codes: list[str] = field(default_factory=list)  # edoc: every To/OrganId
    response_for: str = ""  # status: the agency whose document it reports on
    notation: str = ""  # số/ký hiệu (edoc) or the ResponseFor code (status)
    title: str = ""  # trích yếu (edoc) or the status description
    document_id: str = ""
    status_code: str = ""


def read_envelope(data: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> Envelope:
    """Raises EdxmlError for what ``vanthu.edxml.parse`` refuses."""
    root = load(data, max_size=max_size).root
    header = _require(path(root, "edXMLEnvelope", "edXMLHeader"), "edXMLEnvelope/edXMLHeader")
    mh = _require(child(header, "MessageHeader"), "edXMLHeader/MessageHeader")
    if child(mh, "StatusCode") is not None:
        response = _require(child(mh, "ResponseFor"), "MessageHeader/ResponseFor")
        sender = _require(child(mh, "From"), "MessageHeader/From")
        return Envelope(
            kind="status",
            from_code=_organ_id(child(sender, "OrganId")),
            response_for=_organ_id(child(response, "OrganId")),
            notation=text(child(response, "Code")) or "",
            title=text(child(mh, "Description")) or "",
            document_id=text(child(response, "DocumentId")) or "",
            status_code=text(child(mh, "StatusCode")) or "",
        )
    sender = _require(child(mh, "From"), "MessageHeader/From")
    recipients = children(mh, "To")
    if not recipients:
        raise EdxmlError("missing mandatory part: MessageHeader/To")
    code = _require(child(mh, "Code"), "MessageHeader/Code")
    return Envelope(
        kind="edoc",
        from_code=_organ_id(child(sender, "OrganId")),
        to_codes=[_organ_id(child(e, "OrganId")) for e in recipients],
        notation=_notation(code),
        title=text(child(mh, "Subject")) or "",
        document_id=text(child(mh, "DocumentId")) or "",
    )


def from_message(message: Message) -> Envelope:
    """The envelope of an already parsed message (tests, tools)."""
    if isinstance(message, StatusMessage):
        return Envelope(
            kind="status",
            from_code=message.from_.organ_id or "",
            response_for=message.response_for.organ_id or "",
            notation=message.response_for.code or "",
            title=message.description,
            document_id=message.response_for.document_id or "",
            status_code=message.status_code,
        )
    assert isinstance(message, Edoc)
    return Envelope(
        kind="edoc",
        from_code=message.from_.organ_id or "",
        to_codes=[o.organ_id or "" for o in message.to],
        notation=str(message.code),
        title=message.subject,
        document_id=message.document_id or "",
    )


def _require(element: _Element | None, where: str) -> _Element:
    if element is None:
        raise EdxmlError(f"missing mandatory part: {where}")
    return element


def _organ_id(element: _Element | None) -> str:
    value = text(element) or ""
    return "" if value.lower() in _NULL_IDS else value


def _notation(code: _Element) -> str:
    number, notation = child(code, "CodeNumber"), child(code, "CodeNotation")
    if number is None and notation is None:
        return text(code) or ""
    joined_number, joined_notation = text(number) or "", text(notation) or ""
    return f"{joined_number}/{joined_notation}" if joined_notation else joined_number
