"""A flat JSON view of a message, for the CLI, logs and the exchange screens.

The key set is fixed, since other tools read it: every edoc key is present for both kinds,
null or empty when it does not apply (a status message's document is in ``response_for``);
status messages add ``status_code``, ``description`` and ``timestamp``. Dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import EdxmlError
from .model import Attachment, Edoc, Message, Organization, ResponseFor, StatusMessage


def to_json_dict(message: Message) -> dict[str, Any]:
    if isinstance(message, StatusMessage):
        return _status(message)
    return _edoc(message)


def _edoc(edoc: Edoc) -> dict[str, Any]:
    return {
        "kind": "edoc",
        "from": _organization(edoc.from_),
        "to": [_organization(o) for o in edoc.to],
        "code_number": edoc.code.number,
        "code_notation": edoc.code.notation,
        "promulgation_date": _date(edoc.promulgation_info.date),
        "document_type": {
            "type": edoc.document_type.type,
            "type_name": edoc.document_type.type_name,
        },
        "subject": edoc.subject,
        "signer": {
            "competence": edoc.signer.competence,
            "position": edoc.signer.position,
            "full_name": edoc.signer.full_name,
        },
        "due_date": _date(edoc.due_date),
        "priority": edoc.priority,
        "business_type": edoc.business.business_doc_type if edoc.business else None,
        "document_id": edoc.document_id,
        "response_for": [_response_for(r) for r in edoc.response_for],
        "trace": [
            {"organ_id": t.organ_id, "timestamp": _timestamp(t.timestamp)} for t in edoc.trace
        ],
        "attachments": [_attachment(a) for a in edoc.attachments],
    }


def _status(status: StatusMessage) -> dict[str, Any]:
    return {
        "kind": "status",
        "from": _organization(status.from_),
        "to": [_organization(status.to)] if status.to is not None else [],
        "code_number": None,
        "code_notation": None,
        "promulgation_date": None,
        "document_type": None,
        "subject": None,
        "signer": None,
        "due_date": None,
        "priority": None,
        "business_type": None,
        "document_id": None,
        "response_for": [_response_for(status.response_for)],
        "trace": [],
        "attachments": [],
        "status_code": status.status_code,
        "description": status.description,
        "timestamp": _timestamp(status.timestamp),
    }


def _organization(org: Organization) -> dict[str, Any]:
    return {"organ_id": org.organ_id, "name": org.name}


def _response_for(response: ResponseFor) -> dict[str, Any]:
    return {
        "organ_id": response.organ_id,
        "code": response.code,
        "promulgation_date": _date(response.promulgation_date),
        "document_id": response.document_id,
    }


def _attachment(attachment: Attachment) -> dict[str, Any]:
    try:
        size, digest = attachment.size, attachment.sha256
    except EdxmlError:
        size, digest = None, None  # undecodable content: validate() reports why
    return {
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": size,
        "sha256": digest,
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _timestamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
