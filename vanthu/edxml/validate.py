"""Conformance findings for an edXML package: what is wrong (error) or merely tolerated (warning).

Checks, in order: deviations repaired while loading (junk prefix, undeclared prefixes), the
reconstructed XSD (schema/edxml.xsd, XSD 1.1), mandatory elements per message kind, QCVN 102
OrganId format, date formats, status codes, business type, attachments and the signature.

Dates: the VNPT SDK reads and writes yyyy/MM/dd with a fixed pattern, so that form is taken as
conformant; ISO or dd/MM/yyyy dates are readable here but an SDK-based receiver would fail on
them, hence warnings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import xmlschema
from lxml import etree
from lxml.etree import _Element

from .constants import BUSINESS_LABELS, DEFAULT_MAX_SIZE, DSIG_NS, ORGAN_ID_RE, STATUS_LABELS
from .dates import read_date, read_timestamp
from .errors import EdxmlError
from .model import Edoc
from .parse import parse_tree, strip_cid
from .xmlio import child, children, describe, find_signature, load, path, text

Level = Literal["error", "warning"]
SCHEMA_PATH = Path(__file__).parent / "schema" / "edxml.xsd"


@dataclass(frozen=True)
class Finding:
    level: Level
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.level} {self.path}: {self.message}"


@functools.cache
def get_schema() -> xmlschema.XMLSchema11:
    return xmlschema.XMLSchema11(str(SCHEMA_PATH))


def validate(data: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> list[Finding]:
    """All findings for a package. Raises EdxmlError only when it cannot be read as XML."""
    loaded = load(data, max_size=max_size)
    checker = _Checker()
    for note in loaded.notes:
        checker.warn("/edXML", note)
    checker.check(loaded.root, max_size)
    return checker.findings


class _Checker:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def error(self, where: str, message: str) -> None:
        self.findings.append(Finding("error", where, message))

    def warn(self, where: str, message: str) -> None:
        self.findings.append(Finding("warning", where, message))

    def check(self, root: _Element, max_size: int) -> None:
        for problem in get_schema().iter_errors(root):
            self.error(_schema_path(problem.path), f"schema: {problem.reason}")
        header = path(root, "edXMLEnvelope", "edXMLHeader")
        message_header = child(header, "MessageHeader")
        if message_header is None:
            return  # the schema already said so; nothing below can be checked
        self._check_organization(child(message_header, "From"), "From")
        if child(message_header, "StatusCode") is not None:
            self._check_status(message_header)
        else:
            self._check_edoc(header, message_header)
            self._check_attachments(root, max_size)
        self._check_signature(root)

    # -- common ---------------------------------------------------------------------------

    def _require_text(
        self, parent: _Element | None, name: str, what: str, *, level: Level = "error"
    ) -> _Element | None:
        if parent is None:
            return None
        element = child(parent, name)
        if element is None or not text(element):
            where = f"{describe(parent)}/{name}"
            self.findings.append(Finding(level, where, f"{what} is missing or empty"))
            return None
        return element

    def _check_organ_id(self, element: _Element | None, *, level: Level) -> None:
        value = text(element)
        if element is None or value is None:
            return
        if value.lower() in ("", "null"):
            self.findings.append(Finding(level, describe(element), f"OrganId is {value!r}"))
        elif not ORGAN_ID_RE.match(value):
            message = f"OrganId {value!r} is not in the QCVN 102 format NNN.NN.NN.XNN"
            self.findings.append(Finding(level, describe(element), message))

    def _check_organization(self, element: _Element | None, what: str) -> None:
        if element is None:
            return
        if self._require_text(element, "OrganId", f"{what} OrganId") is not None:
            self._check_organ_id(child(element, "OrganId"), level="error")
        if not text(child(element, "OrganName")):
            self.warn(f"{describe(element)}/OrganName", f"{what} has no OrganName")

    def _check_date(self, element: _Element | None) -> None:
        value = text(element)
        if element is None or not value:
            return
        parsed = read_date(value)
        if parsed is None:
            self.error(describe(element), f"{value!r} is not a date (expected yyyy/MM/dd)")
        elif parsed[1] != "sdk":
            self.warn(describe(element), f"date {value!r} is readable but not yyyy/MM/dd")

    def _check_timestamp(self, element: _Element | None) -> None:
        value = text(element)
        if element is None or not value:
            return
        parsed = read_timestamp(value)
        if parsed is None:
            message = f"{value!r} is not a timestamp (expected yyyy/MM/dd HH:mm:ss)"
            self.error(describe(element), message)
        elif parsed[1] != "sdk":
            self.warn(describe(element), f"timestamp {value!r} is readable but not in SDK form")

    def _check_response_for(self, element: _Element, *, level: Level) -> None:
        if not any(text(c) for c in element):
            self.findings.append(Finding(level, describe(element), "ResponseFor is empty"))
            return
        self._check_organ_id(child(element, "OrganId"), level="warning")
        if not text(child(element, "DocumentId")) and not text(child(element, "Code")):
            message = "ResponseFor names no document (no DocumentId, no Code)"
            self.findings.append(Finding(level, describe(element), message))
        self._check_date(child(element, "PromulgationDate"))

    # -- status ---------------------------------------------------------------------------

    def _check_status(self, mh: _Element) -> None:
        code_element = child(mh, "StatusCode")
        code = text(code_element) or ""
        if code not in STATUS_LABELS:
            hint = " (reserved; 14 in one SDK example is a typo for 15)" if code == "14" else ""
            known = ", ".join(STATUS_LABELS)
            self.error(describe(code_element), f"unknown status code {code!r}{hint}; use {known}")
        responses = children(mh, "ResponseFor")
        if not responses:
            self.error(f"{describe(mh)}/ResponseFor", "a status message must name its document")
        for response in responses:
            self._check_response_for(response, level="error")
        if self._require_text(mh, "Timestamp", "Timestamp") is not None:
            self._check_timestamp(child(mh, "Timestamp"))
        self._require_text(mh, "Description", "Description", level="warning")
        if child(mh, "StaffInfo") is None:
            self.warn(f"{describe(mh)}/StaffInfo", "no StaffInfo (who handled the document)")

    # -- edoc -----------------------------------------------------------------------------

    def _check_edoc(self, header: _Element, mh: _Element) -> None:
        recipients = children(mh, "To")
        if not recipients:
            self.error(f"{describe(mh)}/To", "an edoc needs at least one recipient (To)")
        for recipient in recipients:
            self._check_organization(recipient, "To")
        code = child(mh, "Code")
        if code is None:
            self.error(f"{describe(mh)}/Code", "Code (số, ký hiệu) is missing")
        self._require_text(code, "CodeNumber", "CodeNumber (số)")
        self._require_text(code, "CodeNotation", "CodeNotation (ký hiệu)")
        info = child(mh, "PromulgationInfo")
        if info is None:
            self.error(f"{describe(mh)}/PromulgationInfo", "PromulgationInfo is missing")
        self._check_date(self._require_text(info, "PromulgationDate", "PromulgationDate"))
        self._require_text(child(mh, "DocumentType"), "TypeName", "DocumentType/TypeName")
        self._require_text(mh, "Subject", "Subject (trích yếu)")
        self._require_text(child(mh, "SignerInfo"), "FullName", "signer", level="warning")
        self._require_text(mh, "DocumentId", "DocumentId", level="warning")
        self._check_date(child(mh, "DueDate"))
        for response in children(mh, "ResponseFor"):
            self._check_response_for(response, level="warning")
        priority = text(path(mh, "OtherInfo", "Priority"))
        if priority and priority.isdigit() and int(priority) > 4:
            self.warn(describe(path(mh, "OtherInfo", "Priority")), f"priority {priority} > 4")
        trace_list = child(header, "TraceHeaderList")
        traces = children(trace_list, "TraceHeader")
        if not traces:
            self.warn(f"{describe(header)}/TraceHeaderList", "no TraceHeader (sender hop)")
        for trace in traces:
            self._check_organ_id(child(trace, "OrganId"), level="warning")
            self._check_timestamp(child(trace, "Timestamp"))
        self._check_business(child(trace_list, "Bussiness"), mh, header)

    def _check_business(self, business: _Element | None, mh: _Element, header: _Element) -> None:
        if business is None:
            message = "no Bussiness element; receivers will assume a new document (type 0)"
            self.warn(f"{describe(header)}/TraceHeaderList/Bussiness", message)
            return
        type_element = child(business, "BussinessDocType")
        value = text(type_element)
        if type_element is None or not value:
            return  # the schema reports the missing element
        if not re.fullmatch(r"\d+", value) or int(value) not in BUSINESS_LABELS:
            self.error(describe(type_element), f"BussinessDocType {value!r} is not 0, 1, 2 or 3")
            return
        kind = int(value)
        if kind == 1 and not any(any(text(c) for c in r) for r in children(mh, "ResponseFor")):
            self.warn(describe(mh), "a revocation (type 1) should name its target in ResponseFor")
        if kind in (2, 3) and not text(child(business, "DocumentId")):
            if kind == 2 or child(business, "ReplacementInfoList") is None:
                message = f"type {kind} should name the document it changes"
                self.warn(describe(business), message)
        for receiver in business.iter(f"{{{etree.QName(business).namespace}}}OrganId"):
            self._check_organ_id(receiver, level="warning")

    def _check_attachments(self, root: _Element, max_size: int) -> None:
        manifest = path(root, "edXMLEnvelope", "edXMLBody", "edXMLManifest")
        encoded = child(root, "AttachmentEncoded")
        listed = {strip_cid(text(child(r, "ContentId"))) for r in children(manifest, "Reference")}
        carried = {strip_cid(text(child(a, "ContentId"))) for a in children(encoded, "Attachment")}
        for cid in sorted(c or "" for c in carried - listed):
            self.warn("/edXML/AttachmentEncoded", f"attachment cid:{cid} is not in the manifest")
        for cid in sorted(c or "" for c in listed - carried):
            self.warn("/edXML/edXMLEnvelope/edXMLBody", f"manifest cid:{cid} has no attachment")
        try:
            edoc = parse_tree(root, max_size=max_size)
        except EdxmlError:
            return  # a missing To or Code: _check_edoc has reported it with its path
        assert isinstance(edoc, Edoc)
        for index, attachment in enumerate(edoc.attachments, start=1):
            where = f"/edXML/AttachmentEncoded/Attachment[{index}]"
            try:
                if not attachment.read():
                    self.warn(where, f"attachment {attachment.name!r} is empty")
            except EdxmlError as exc:
                self.error(where, exc.reason)

    def _check_signature(self, root: _Element) -> None:
        signature = find_signature(root)
        if signature is None:
            return
        where = describe(signature)
        if etree.QName(signature).namespace != DSIG_NS:
            message = (
                "Signature is not in the XML-DSig namespace (SDK placeholder form); unverifiable"
            )
            self.warn(where, message)
        parent = signature.getparent()
        if parent is None or etree.QName(parent).localname != "edXMLHeader":
            self.warn(where, "Signature is expected inside edXMLHeader")


def _schema_path(raw: str | None) -> str:
    # xmlschema paths carry namespace prefixes ("/edXML:edXML/..."); findings use local names.
    return re.sub(r"(?<=/)[\w.-]+:", "", raw) if raw else "/edXML"
