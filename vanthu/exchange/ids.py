"""The edXML DocumentId of a document, in one place.

QCVN 102 samples and real axis traffic write it as "{OrganId},{yyyy/MM/dd},{số/ký hiệu}",
e.g. "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT" (STANDARDS 1.3). Other senders put UUIDs
there: an id we receive is kept exactly as received and never re-derived.
"""

from __future__ import annotations

import datetime as dt

from vanthu.edxml.dates import format_date


def compose_document_id(organ_id: str, promulgated_on: dt.date | None, code: str) -> str:
    """The composite id; "" when a part is missing (no id beats a wrong one)."""
    if not (organ_id and promulgated_on and code):
        return ""
    return f"{organ_id},{format_date(promulgated_on)},{code}"


def document_id_of(doc) -> str:
    """The DocumentId under which `doc` travels or travelled.

    An incoming copy that came over the hub keeps its sender's id; anything else (our own
    issued documents, local and paper arrivals) gets the composite id of its issuer."""
    arrival = getattr(doc, "hub_arrival", None)
    if arrival is not None and arrival.edxml_id:
        return arrival.edxml_id
    organ = doc.issuer_code or (doc.agency.code if not doc.is_incoming else "")
    return compose_document_id(organ, doc.issued_on, doc.reference)
