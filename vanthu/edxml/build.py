"""Write Edoc and StatusMessage as edXML bytes, in the form the VNPT reference SDK emits.

The output is written by hand rather than through lxml so that the namespace layout matches
the SDK exactly (default namespace on the root, the edXML prefix declared on the envelope,
AttachmentEncoded unprefixed) and so that the same message always gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from .constants import NS, PREFIX
from .dates import format_date, format_timestamp
from .errors import EdxmlError
from .model import (
    Attachment,
    Business,
    Edoc,
    Message,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusMessage,
)

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A fixed ZIP timestamp makes the SDK-style ZIP wrapping reproducible.
_ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def build(message: Message, *, zip_attachments: bool = False) -> bytes:
    if isinstance(message, StatusMessage):
        return build_status(message)
    return build_edoc(message, zip_attachments=zip_attachments)


def build_edoc(edoc: Edoc, *, zip_attachments: bool = False) -> bytes:
    """Serialise a document package.

    Attachments are Base64 of the raw file by default; ``zip_attachments=True`` wraps each in
    a one-entry ZIP first, as the VNPT SDK does, for receivers that expect that form.
    """
    if not edoc.to:
        raise EdxmlError("an edoc needs at least one recipient (To)")
    content_ids = [_content_id(a, i) for i, a in enumerate(edoc.attachments)]
    w = _Writer()
    with w.envelope():
        with w.element("edXMLHeader"):
            with w.element("MessageHeader"):
                _write_message_header(w, edoc)
            with w.element("TraceHeaderList"):
                for entry in edoc.trace:
                    with w.element("TraceHeader"):
                        w.leaf("OrganId", entry.organ_id or "")
                        w.leaf("Timestamp", _timestamp(entry.timestamp))
                if edoc.business is not None:
                    _write_business(w, edoc.business)
        with w.element("edXMLBody"):
            with w.element("edXMLManifest", ' version="1.0"'):
                for attachment, cid in zip(edoc.attachments, content_ids, strict=True):
                    with w.element("Reference"):
                        w.leaf("ContentId", f"cid:{cid}")
                        w.leaf("ContentType", attachment.content_type)
                        w.optional("Description", attachment.description)
                        w.leaf("AttachmentName", attachment.name)
    with w.element("AttachmentEncoded", prefixed=False):
        for attachment, cid in zip(edoc.attachments, content_ids, strict=True):
            with w.element("Attachment", prefixed=False):
                w.leaf("ContentId", f"cid:{cid}", prefixed=False)
                w.leaf("AttachmentName", attachment.name, prefixed=False)
                w.optional("Description", attachment.description, prefixed=False)
                w.leaf("ContentType", attachment.content_type, prefixed=False)
                payload = _encode_attachment(attachment, cid, zip_attachments)
                w.raw_leaf("ContentTransferEncoded", payload, f' xmlns:{PREFIX}="{NS}"')
    return w.finish()


def build_status(status: StatusMessage) -> bytes:
    w = _Writer()
    with w.envelope():
        with w.element("edXMLHeader"):
            with w.element("MessageHeader"):
                _write_organization(w, "From", status.from_)
                if status.to is not None:
                    _write_organization(w, "To", status.to)
                _write_response_for(w, status.response_for, force=True)
                if status.staff_info is not None:
                    _write_staff_info(w, status.staff_info)
                w.leaf("StatusCode", status.status_code)
                w.leaf("Description", status.description)
                w.leaf("Timestamp", _timestamp(status.timestamp))
    return w.finish()


def _write_message_header(w: _Writer, edoc: Edoc) -> None:
    # Element order of the SDK's edoc_new/_update/_revocation/_replacement samples.
    _write_organization(w, "From", edoc.from_)
    for recipient in edoc.to:
        _write_organization(w, "To", recipient)
    w.optional("DocumentId", edoc.document_id)
    with w.element("Code"):
        w.leaf("CodeNumber", edoc.code.number)
        w.leaf("CodeNotation", edoc.code.notation)
    with w.element("PromulgationInfo"):
        w.optional("Place", edoc.promulgation_info.place)
        w.leaf("PromulgationDate", _date(edoc.promulgation_info.date))
    with w.element("DocumentType"):
        w.optional("Type", edoc.document_type.type)
        w.optional("TypeDetail", edoc.document_type.type_detail)
        w.leaf("TypeName", edoc.document_type.type_name)
    w.leaf("Subject", edoc.subject)
    w.optional("Content", edoc.content)
    with w.element("SignerInfo"):
        w.optional("Competence", edoc.signer.competence)
        w.optional("Position", edoc.signer.position)
        w.leaf("FullName", edoc.signer.full_name)
    if edoc.due_date is not None:
        w.leaf("DueDate", format_date(edoc.due_date))
    other = edoc.other_info
    if edoc.priority is not None or not other.is_empty():
        with w.element("OtherInfo"):
            w.optional("Priority", edoc.priority)
            w.optional("SphereOfPromulgation", other.sphere_of_promulgation)
            w.optional("TyperNotation", other.typer_notation)
            w.optional("PromulgationAmount", other.promulgation_amount)
            w.optional("PageAmount", other.page_amount)
            if other.direction is not None:
                w.leaf("Direction", "true" if other.direction else "false")
            if other.appendixes:
                with w.element("Appendixes"):
                    for appendix in other.appendixes:
                        w.leaf("Appendix", appendix)
    for response in edoc.response_for:
        _write_response_for(w, response)
    w.optional("SteeringType", edoc.steering_type)
    if edoc.to_places:
        with w.element("ToPlaces"):
            for place in edoc.to_places:
                w.leaf("Place", place)


def _write_organization(w: _Writer, name: str, org: Organization) -> None:
    with w.element(name):
        w.leaf("OrganId", org.organ_id or "")
        w.optional("OrganizationInCharge", org.in_charge)
        w.optional("OrganName", org.name)
        w.optional("OrganAdd", org.address)
        w.optional("Email", org.email)
        w.optional("Telephone", org.telephone)
        w.optional("Fax", org.fax)
        w.optional("Website", org.website)


def _write_response_for(w: _Writer, response: ResponseFor, *, force: bool = False) -> None:
    # An all-empty ResponseFor reads back as "none"; writing it would not survive a round trip.
    if response.is_empty() and not force:
        return
    with w.element("ResponseFor"):
        w.optional("OrganId", response.organ_id or None)
        w.optional("Code", response.code or None)
        w.optional("DocumentId", response.document_id or None)
        if response.promulgation_date is not None:
            w.leaf("PromulgationDate", format_date(response.promulgation_date))


def _write_staff_info(w: _Writer, staff: StaffInfo) -> None:
    with w.element("StaffInfo"):
        w.optional("Department", staff.department)
        w.optional("DepartmentId", staff.department_id)
        w.optional("Staff", staff.staff)
        w.optional("StaffId", staff.staff_id)
        w.optional("Email", staff.email)
        w.optional("Mobile", staff.mobile)


def _write_business(w: _Writer, business: Business) -> None:
    with w.element("Bussiness"):
        w.optional("DocumentId", business.document_id)
        w.leaf("BussinessDocType", str(business.business_doc_type))
        w.optional("BussinessDocReason", business.business_doc_reason)
        w.optional("Paper", business.paper)
        info = business.document_info
        if info is not None:
            with w.element("BussinessDocumentInfo"):
                w.optional("DocumentInfo", info.document_info)
                w.optional("DocumentReceiver", info.document_receiver)
                if info.receivers:
                    with w.element("ReceiverList"):
                        for receiver in info.receivers:
                            with w.element("Receiver"):
                                w.leaf("OrganId", receiver.organ_id or "")
                                w.optional("ReceiverType", receiver.receiver_type)
        if business.replacement_info:
            with w.element("ReplacementInfoList"):
                for replaced in business.replacement_info:
                    with w.element("ReplacementInfo"):
                        w.leaf("DocumentId", replaced.document_id)
                        with w.element("OrganIdList"):
                            for organ_id in replaced.organ_ids:
                                w.leaf("OrganId", organ_id)
        for staff in business.staff_info:
            _write_staff_info(w, staff)


def _content_id(attachment: Attachment, index: int) -> str:
    if attachment.content_id:
        return attachment.content_id.removeprefix("cid:")
    # Deterministic, so rebuilding a message gives the same bytes; unique within a package.
    seed = f"{index}:{attachment.name}:{attachment.sha256}"
    return str(uuid.uuid5(uuid.NAMESPACE_OID, seed))


def _encode_attachment(attachment: Attachment, content_id: str, zip_it: bool) -> str:
    data = attachment.read()
    # A .zip file goes as is: receivers (and parse) take a .zip name to be the file itself,
    # so wrapping it would hand them the wrapper instead.
    if zip_it and not attachment.name.lower().endswith(".zip"):
        # The SDK names the single entry {uuid}.{ext}; the user-facing name stays in
        # AttachmentName.
        extension = attachment.name.rpartition(".")[2] if "." in attachment.name else "bin"
        entry = zipfile.ZipInfo(f"{content_id}.{extension}", date_time=_ZIP_DATE_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(entry, data)
        data = buffer.getvalue()
    return base64.b64encode(data).decode("ascii")


def _date(value: object) -> str:
    return format_date(value) if value is not None else ""  # type: ignore[arg-type]


def _timestamp(value: object) -> str:
    return format_timestamp(value) if value is not None else ""  # type: ignore[arg-type]


def _escape(value: str, where: str) -> str:
    value = value.strip()
    if _INVALID_XML_CHARS.search(value):
        raise EdxmlError(f"{where} contains a character XML cannot carry")
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class _Writer:
    """Indented XML output: two spaces per level, LF line ends, UTF-8."""

    def __init__(self) -> None:
        self._parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self._depth = 0

    @contextmanager
    def envelope(self) -> Iterator[None]:
        self._parts.append(f'<edXML xmlns="{NS}">\n')
        self._depth = 1
        with self.element("edXMLEnvelope", f' xmlns:{PREFIX}="{NS}"'):
            yield

    @contextmanager
    def element(self, name: str, attrs: str = "", *, prefixed: bool = True) -> Iterator[None]:
        qname = f"{PREFIX}:{name}" if prefixed else name
        self._parts.append(f"{'  ' * self._depth}<{qname}{attrs}>\n")
        self._depth += 1
        yield
        self._depth -= 1
        self._parts.append(f"{'  ' * self._depth}</{qname}>\n")

    def leaf(self, name: str, value: str, *, prefixed: bool = True) -> None:
        self.raw_leaf(name, _escape(value, name), "", prefixed=prefixed)

    def optional(self, name: str, value: str | int | None, *, prefixed: bool = True) -> None:
        if value is not None:
            self.leaf(name, str(value), prefixed=prefixed)

    def raw_leaf(self, name: str, escaped: str, attrs: str = "", *, prefixed: bool = True) -> None:
        qname = f"{PREFIX}:{name}" if prefixed else name
        self._parts.append(f"{'  ' * self._depth}<{qname}{attrs}>{escaped}</{qname}>\n")

    def finish(self) -> bytes:
        self._parts.append("</edXML>\n")
        return "".join(self._parts).encode("utf-8")
