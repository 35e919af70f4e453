"""edXML (QCVN 102:2016/BTTTT) packages: build, parse, validate, sign. Pure Python, no Django.

The model, ``build*`` and ``parse*`` are re-exported here. ``validate`` (xmlschema),
``signature`` (signxml) and ``jsonview`` are imported from their modules, so that reading a
package does not pay for loading the schema and crypto stacks.
"""

from __future__ import annotations

from .build import build, build_edoc, build_status
from .constants import NS, STATUS_LABELS, BusinessDocType, StatusCode
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
from .parse import parse, parse_file

__all__ = [
    "NS",
    "STATUS_LABELS",
    "Attachment",
    "Business",
    "BusinessDocType",
    "BusinessDocumentInfo",
    "Code",
    "DocumentType",
    "Edoc",
    "EdxmlError",
    "Message",
    "Organization",
    "OtherInfo",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "Signer",
    "StaffInfo",
    "StatusCode",
    "StatusMessage",
    "TraceEntry",
    "build",
    "build_edoc",
    "build_status",
    "parse",
    "parse_file",
]
