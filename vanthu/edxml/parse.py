"""Read edXML bytes into an Edoc or a StatusMessage, tolerating what real senders produce.

Tolerated (STANDARDS §1.9): junk before ``<?xml``, any child order, empty ResponseFor,
OrganId "null", dates as yyyy/MM/dd or ISO, attachments as Base64 of the file or of a one-entry
ZIP, ``cid:`` prefixes, attachment elements without namespace or with an undeclared prefix.
Refused with EdxmlError: oversized input, malformed XML, a DOCTYPE, a foreign namespace, and a
package missing the parts needed to route it. ``validate`` reports the softer problems.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import mimetypes
import os
import zipfile
import zlib
from collections.abc import Callable

from lxml.etree import _Element

from .constants import DEFAULT_MAX_SIZE
from .dates import read_date, read_timestamp
from .errors import EdxmlError
from .model import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentType,
    Edoc,
    Message,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusMessage,
    TraceEntry,
)
from .xmlio import check_size, child, children, load, path, text

_NULL_IDS = {"", "null", "none", "nil"}
ZIP_MAGIC = b"PK\x03\x04"


def parse(data: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> Message:
    """Parse one package; raises EdxmlError with a one-line reason if it cannot."""
    return parse_tree(load(data, max_size=max_size).root, max_size=max_size)


def parse_file(filename: str | os.PathLike[str], *, max_size: int = DEFAULT_MAX_SIZE) -> Message:
    return parse(read_limited(filename, max_size), max_size=max_size)


def read_limited(filename: str | os.PathLike[str], max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """Read a file, refusing it before reading when it is over the size limit."""
    try:
        check_size(os.stat(filename).st_size, max_size)
        with open(filename, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as exc:
        raise EdxmlError(f"cannot read {os.fspath(filename)}: {exc.strerror}") from None
    check_size(len(data), max_size)
    return data


def parse_tree(root: _Element, *, max_size: int = DEFAULT_MAX_SIZE) -> Message:
    """Parse an already loaded (and normalised, see xmlio.load) edXML root element."""
    header = _require(path(root, "edXMLEnvelope", "edXMLHeader"), "edXMLEnvelope/edXMLHeader")
    message_header = _require(child(header, "MessageHeader"), "edXMLHeader/MessageHeader")
    if child(message_header, "StatusCode") is not None:
        return _parse_status(message_header)
    return _parse_edoc(root, header, message_header, max_size)


def _parse_status(mh: _Element) -> StatusMessage:
    response = _require(child(mh, "ResponseFor"), "MessageHeader/ResponseFor")
    recipients = children(mh, "To")
    staff = child(mh, "StaffInfo")
    return StatusMessage(
        from_=_organization(_require(child(mh, "From"), "MessageHeader/From")),
        to=_organization(recipients[0]) if recipients else None,
        response_for=_response_for(response),
        status_code=text(child(mh, "StatusCode")) or "",
        description=text(child(mh, "Description")) or "",
        timestamp=_timestamp(child(mh, "Timestamp")),
        staff_info=_staff_info(staff) if staff is not None else None,
    )


def _parse_edoc(root: _Element, header: _Element, mh: _Element, max_size: int) -> Edoc:
    sender = _require(child(mh, "From"), "MessageHeader/From")
    recipients = children(mh, "To")
    if not recipients:
        raise EdxmlError("missing mandatory part: MessageHeader/To")
    code = _require(child(mh, "Code"), "MessageHeader/Code")
    other = child(mh, "OtherInfo")
    trace_list = child(header, "TraceHeaderList")
    business = child(trace_list, "Bussiness")
    responses = [_response_for(e) for e in children(mh, "ResponseFor")]
    signer = child(mh, "SignerInfo")
    return Edoc(
        from_=_organization(sender),
        to=[_organization(e) for e in recipients],
        code=_code(code),
        subject=text(child(mh, "Subject")) or "",
        promulgation_info=PromulgationInfo(
            place=text(path(mh, "PromulgationInfo", "Place")),
            date=_date(path(mh, "PromulgationInfo", "PromulgationDate")),
        ),
        document_type=DocumentType(
            type=_int(path(mh, "DocumentType", "Type")),
            type_detail=_int(path(mh, "DocumentType", "TypeDetail")),
            type_name=text(path(mh, "DocumentType", "TypeName")) or "",
        ),
        content=text(child(mh, "Content")),
        signer=Signer(
            competence=text(child(signer, "Competence")),
            position=text(child(signer, "Position")),
            full_name=text(child(signer, "FullName")) or "",
        ),
        due_date=_date(child(mh, "DueDate")),
        priority=_int(child(other, "Priority")),
        to_places=[text(e) or "" for e in children(child(mh, "ToPlaces"), "Place")],
        other_info=_other_info(other),
        response_for=[r for r in responses if not r.is_empty()],
        steering_type=_int(child(mh, "SteeringType")),
        document_id=text(child(mh, "DocumentId")),
        business=_business(business) if business is not None else None,
        trace=[
            TraceEntry(_organ_id(child(e, "OrganId")), _timestamp(child(e, "Timestamp")))
            for e in children(trace_list, "TraceHeader")
        ],
        attachments=_attachments(root, max_size),
    )


def _require(element: _Element | None, where: str) -> _Element:
    if element is None:
        raise EdxmlError(f"missing mandatory part: {where}")
    return element


def _organ_id(element: _Element | None) -> str | None:
    value = text(element)
    return None if value is None or value.lower() in _NULL_IDS else value


def _organization(element: _Element) -> Organization:
    return Organization(
        organ_id=_organ_id(child(element, "OrganId")),
        name=text(child(element, "OrganName")),
        in_charge=text(child(element, "OrganizationInCharge")),
        address=text(child(element, "OrganAdd")),
        email=text(child(element, "Email")),
        telephone=text(child(element, "Telephone")),
        fax=text(child(element, "Fax")),
        website=text(child(element, "Website")),
    )


def _code(element: _Element) -> Code:
    number, notation = child(element, "CodeNumber"), child(element, "CodeNotation")
    if number is None and notation is None:
        # Some senders write the joined "số/ký hiệu" as the text of Code itself.
        joined = text(element) or ""
        head, _, tail = joined.partition("/")
        return Code(number=head.strip(), notation=tail.strip())
    return Code(number=text(number) or "", notation=text(notation) or "")


def _int(element: _Element | None) -> int | None:
    value = text(element)
    try:
        return int(value) if value else None
    except ValueError:
        return None  # validate reports it; a bad Priority must not block receiving a document


def _date(element: _Element | None) -> dt.date | None:
    value = text(element)
    parsed = read_date(value) if value else None
    return parsed[0] if parsed else None


def _timestamp(element: _Element | None) -> dt.datetime | None:
    value = text(element)
    parsed = read_timestamp(value) if value else None
    return parsed[0] if parsed else None


def _bool(element: _Element | None) -> bool | None:
    value = (text(element) or "").lower()
    return {"true": True, "1": True, "false": False, "0": False}.get(value)


def _other_info(element: _Element | None) -> OtherInfo:
    if element is None:
        return OtherInfo()
    return OtherInfo(
        sphere_of_promulgation=text(child(element, "SphereOfPromulgation")),
        typer_notation=text(child(element, "TyperNotation")),
        promulgation_amount=_int(child(element, "PromulgationAmount")),
        page_amount=_int(child(element, "PageAmount")),
        direction=_bool(child(element, "Direction")),
        appendixes=[text(e) or "" for e in children(child(element, "Appendixes"), "Appendix")],
    )


def _response_for(element: _Element) -> ResponseFor:
    return ResponseFor(
        organ_id=_organ_id(child(element, "OrganId")),
        code=text(child(element, "Code")) or None,
        promulgation_date=_date(child(element, "PromulgationDate")),
        document_id=text(child(element, "DocumentId")) or None,
    )


def _staff_info(element: _Element) -> StaffInfo:
    return StaffInfo(
        department=text(child(element, "Department")),
        department_id=text(child(element, "DepartmentId")),
        staff=text(child(element, "Staff")),
        staff_id=text(child(element, "StaffId")),
        email=text(child(element, "Email")),
        mobile=text(child(element, "Mobile")),
    )


def _business(element: _Element) -> Business:
    info = child(element, "BussinessDocumentInfo")
    return Business(
        business_doc_type=_int(child(element, "BussinessDocType")) or 0,
        business_doc_reason=text(child(element, "BussinessDocReason")),
        document_id=text(child(element, "DocumentId")),
        paper=_int(child(element, "Paper")),
        staff_info=[_staff_info(e) for e in children(element, "StaffInfo")],
        document_info=None
        if info is None
        else BusinessDocumentInfo(
            document_info=_int(child(info, "DocumentInfo")),
            document_receiver=_int(child(info, "DocumentReceiver")),
            receivers=[
                Receiver(_organ_id(child(e, "OrganId")), _int(child(e, "ReceiverType")))
                for e in children(child(info, "ReceiverList"), "Receiver")
            ],
        ),
        replacement_info=[
            ReplacementInfo(
                document_id=text(child(e, "DocumentId")) or "",
                organ_ids=[text(o) or "" for o in children(child(e, "OrganIdList"), "OrganId")],
            )
            for e in children(child(element, "ReplacementInfoList"), "ReplacementInfo")
        ],
    )


def strip_cid(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().strip("<>")
    return value[4:] if value.lower().startswith("cid:") else value


def _attachments(root: _Element, max_size: int) -> list[Attachment]:
    manifest = path(root, "edXMLEnvelope", "edXMLBody", "edXMLManifest")
    references = {
        strip_cid(text(child(r, "ContentId"))): r for r in children(manifest, "Reference")
    }
    result = []
    for index, element in enumerate(children(child(root, "AttachmentEncoded"), "Attachment")):
        cid = strip_cid(text(child(element, "ContentId")))
        reference = references.get(cid) if cid else None

        def field(
            name: str, element: _Element = element, reference: _Element | None = reference
        ) -> str | None:
            own = text(child(element, name))
            return own if own is not None else text(child(reference, name))

        name = field("AttachmentName") or cid or f"attachment-{index + 1}"
        encoded = child(element, "ContentTransferEncoded")
        result.append(
            Attachment(
                name=name,
                content_type=_content_type(field("ContentType"), name),
                description=field("Description"),
                content_id=cid,
                loader=_loader(encoded.text or "" if encoded is not None else "", name, max_size),
            )
        )
    return result


def _content_type(declared: str | None, name: str) -> str:
    # The SDK declares application/zip for its ZIP wrapper whatever the file inside is.
    if declared and not (declared.lower() == "application/zip" and not _is_zip_name(name)):
        return declared
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def _loader(encoded: str, name: str, max_size: int) -> Callable[[], bytes]:
    return lambda: decode_attachment(encoded, name, max_size=max_size)


def decode_attachment(encoded: str, name: str, *, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """Base64 → bytes, unwrapping the SDK's one-entry ZIP unless the file itself is a .zip."""
    compact = "".join(encoded.split())
    compact += "=" * (-len(compact) % 4)
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise EdxmlError(f"attachment {name!r} is not valid Base64") from None
    if raw.startswith(ZIP_MAGIC) and not _is_zip_name(name):
        return _unwrap_zip(raw, name, max_size)
    return raw


def _unwrap_zip(raw: bytes, name: str, max_size: int) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError):
        return raw  # no central directory: a file that merely starts with "PK", not a wrapper
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) != 1:
            return raw  # an OOXML/ODF file sent as is: several entries, not a wrapper
        entry = entries[0]
        if entry.file_size > max_size:
            raise EdxmlError(f"attachment {name!r}: ZIP entry over the limit of {max_size} bytes")
        try:
            with archive.open(entry) as member:
                # file_size comes from the archive and may lie: cap the actual read too.
                data = member.read(max_size + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error) as exc:
            raise EdxmlError(f"attachment {name!r} is a damaged ZIP: {exc}") from None
    if len(data) > max_size:
        raise EdxmlError(f"attachment {name!r}: ZIP entry over the limit of {max_size} bytes")
    return data
