"""The two edXML messages as plain data: the document package (Edoc) and status feedback.

Conventions shared by the builder and the parser, so that build → parse → build is stable:
- an optional field set to None is left out of the package; absent in a package, it is None;
- a mandatory element is always written, empty when its value is None or "";
- text is stripped of surrounding whitespace (pretty-printed packages indent their values);
- timestamps are timezone-aware; the package carries them in Vietnam local time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import EdxmlError


@dataclass
class Organization:
    """A sending or receiving agency (From / To)."""

    organ_id: str | None
    name: str | None = None
    in_charge: str | None = None  # OrganizationInCharge: the governing body
    address: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass
class Code:
    """Số và ký hiệu: number "7816" and notation "VPCP-TTĐT" make "7816/VPCP-TTĐT"."""

    number: str = ""
    notation: str = ""

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}" if self.notation else self.number


@dataclass
class PromulgationInfo:
    place: str | None = None
    date: dt.date | None = None


@dataclass
class DocumentType:
    # The QCVN code list for Type/TypeDetail was never found (STANDARDS §8.1): TypeName is
    # the authoritative value, the integers are carried through as received.
    type: int | None = None
    type_name: str = ""
    type_detail: int | None = None


@dataclass
class Signer:
    competence: str | None = None  # authority prefix: TM., KT., TL., TUQ., Q. or direct
    position: str | None = None
    full_name: str = ""


@dataclass
class OtherInfo:
    """OtherInfo without Priority, which Edoc carries as a top-level field."""

    sphere_of_promulgation: str | None = None
    typer_notation: str | None = None
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool | None = None
    appendixes: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return self == OtherInfo()


@dataclass
class ResponseFor:
    """The document being answered, revoked or reported on."""

    organ_id: str | None = None
    code: str | None = None  # "số/ký hiệu" in one string
    promulgation_date: dt.date | None = None
    document_id: str | None = None

    def is_empty(self) -> bool:
        return self == ResponseFor()


@dataclass
class StaffInfo:
    department: str | None = None
    department_id: str | None = None
    staff: str | None = None
    staff_id: str | None = None
    email: str | None = None
    mobile: str | None = None


@dataclass
class Receiver:
    organ_id: str | None
    receiver_type: int | None = None


@dataclass
class BusinessDocumentInfo:
    """What an update (business type 2) changes."""

    document_info: int | None = None
    document_receiver: int | None = None
    receivers: list[Receiver] = field(default_factory=list)


@dataclass
class ReplacementInfo:
    """A document replaced by this one (business type 3) and the recipients concerned."""

    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Business:
    """The Bussiness element (the double "ss" is the standard's spelling)."""

    business_doc_type: int = 0
    business_doc_reason: str | None = None
    document_id: str | None = None
    paper: int | None = None
    staff_info: list[StaffInfo] = field(default_factory=list)
    document_info: BusinessDocumentInfo | None = None
    replacement_info: list[ReplacementInfo] = field(default_factory=list)


@dataclass
class TraceEntry:
    organ_id: str | None
    timestamp: dt.datetime | None


@dataclass(eq=False)
class Attachment:
    """A file carried in AttachmentEncoded.

    Either ``data`` holds the bytes or ``loader`` produces them on first ``read()``; the parser
    uses a loader so that listing a package does not decode hundreds of MB of Base64.
    Two attachments are equal when their metadata and bytes are.
    """

    name: str
    content_type: str = "application/octet-stream"
    description: str | None = None
    content_id: str | None = None  # without the "cid:" prefix
    data: bytes | None = field(default=None, repr=False)
    loader: Callable[[], bytes] | None = field(default=None, repr=False)

    def read(self) -> bytes:
        if self.data is None:
            if self.loader is None:
                raise EdxmlError(f"attachment {self.name!r} has no content")
            self.data = self.loader()
        return self.data

    @property
    def size(self) -> int:
        return len(self.read())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.read()).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attachment):
            return NotImplemented
        meta = (self.name, self.content_type, self.description, self.content_id)
        other_meta = (other.name, other.content_type, other.description, other.content_id)
        return meta == other_meta and self.read() == other.read()

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Edoc:
    """A document package (gói tin văn bản)."""

    from_: Organization
    to: list[Organization]
    code: Code
    subject: str
    promulgation_info: PromulgationInfo = field(default_factory=PromulgationInfo)
    document_type: DocumentType = field(default_factory=DocumentType)
    content: str | None = None
    signer: Signer = field(default_factory=Signer)
    due_date: dt.date | None = None
    priority: int | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    document_id: str | None = None
    business: Business | None = None
    trace: list[TraceEntry] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class StatusMessage:
    """Processing feedback (gói tin trạng thái) about a document received or sent."""

    from_: Organization
    response_for: ResponseFor
    status_code: str
    description: str = ""
    timestamp: dt.datetime | None = None
    staff_info: StaffInfo | None = None
    to: Organization | None = None


Message = Edoc | StatusMessage
