"""What the public verification page (``/xac-thuc/``, no login) may tell anyone.

Only issued documents of normal secrecy exist for this module: a secret document, a draft or
an incoming copy is "not found", exactly like a code that was never issued, so the page
cannot be used to learn that such a document exists. The report carries the identity of the
document (number and notation, agency, date, type, signer) and the state of its signatures,
never its subject or content: the subject of an issued document is not always public.
"""

from __future__ import annotations

import hashlib
from typing import Any

from vanthu.documents.files import current_main
from vanthu.documents.models import Direction, Document, FileVersion, Secrecy, Status
from vanthu.signing.actions import checks_for, trust_roots
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.qr import display_code, normalise_code
from vanthu.signing.summary import KIND_LABELS, describe
from vanthu.signing.verify import verify_pdf

VERDICT_LABELS = {
    "valid": "Hợp lệ",
    "invalid": "Không hợp lệ",
    "untrusted": "Không xác định được chứng thư",
    "unsigned": "Chưa ký số",
}


def _public_documents():
    return Document.objects.filter(
        direction=Direction.OUTGOING, status=Status.ISSUED, secrecy=Secrecy.NORMAL
    ).select_related("agency", "doc_type")


def lookup(code: str) -> Document | None:
    """The issued, non-secret document printed with ``code`` (typed in any form), or None."""
    stored = normalise_code(code or "")
    if stored is None:
        return None
    return _public_documents().filter(verification_code=stored).first()


def registered_public(sha256: str) -> dict[str, Any] | None:
    """The issued, non-secret document whose issued main PDF has this SHA-256, in the shape
    of ``actions.registered_file``. Earlier versions (the draft, the PDF before the agency
    seal) are not "the issued document", so they do not match."""
    candidates = (
        FileVersion.objects.filter(
            sha256=sha256,
            kind=FileVersion.Kind.MAIN,
            document__in=_public_documents(),
        )
        .select_related("document__agency")
        .order_by("-document__issued_at", "-id")
    )
    for version in candidates:
        doc = version.document
        if current_main(doc).pk != version.pk:
            continue
        return {
            "reference": doc.reference,
            "agency": _agency_name(doc),
            "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
            "sha256_match": True,
            "verification_code": display_code(doc.verification_code)
            if doc.verification_code
            else None,
        }
    return None


def _agency_name(doc: Document) -> str:
    # The name copied at issuance: agencies are renamed and merged, the document keeps the
    # identity it was issued under.
    return doc.issuer_name or doc.agency.name


def _signature_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "signer": sig.get("signer") or "(không rõ)",
            "kind": sig.get("kind", "unknown"),
            "kind_label": KIND_LABELS.get(sig.get("kind", "unknown"), "Không rõ"),
            "intact": bool(sig.get("intact")),
            "trusted": bool(sig.get("trusted")),
            "covers_whole_file": bool(sig.get("covers_whole_file")),
            "signed_at": sig.get("signed_at"),
            "reasons": list(sig.get("reasons") or []),
        }
        for sig in report.get("signatures", [])
    ]


def public_report(document: Document) -> dict[str, Any] | None:
    """What the public page shows of ``document``; None for anything not public.

    The signature verdict is the latest stored check of the issued main PDF (checked now
    when it never was)."""
    if (
        document.direction != Direction.OUTGOING
        or document.status != Status.ISSUED
        or document.secrecy != Secrecy.NORMAL
    ):
        return None
    main = current_main(document)
    report: dict[str, Any] = {
        "verification_code": display_code(document.verification_code)
        if document.verification_code
        else None,
        "reference": document.reference,
        "agency": _agency_name(document),
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "document_type": document.doc_type.name,
        "signer_name": document.signer_name,
        "signer_position": " ".join(
            part for part in (document.signing_capacity, document.signer_position) if part
        ),
        "sha256": main.sha256 if main is not None else None,
        "verdict": None,
        "verdict_label": None,
        "summary": None,
        "checked_at": None,
        "signatures": [],
    }
    if main is not None and main.mime_type == "application/pdf":
        check = checks_for([main])[main.pk]
        report.update(
            verdict=check.verdict,
            verdict_label=VERDICT_LABELS.get(check.verdict, check.verdict),
            summary=check.summary,
            checked_at=check.checked_at.isoformat(),
            signatures=_signature_rows(check.report),
        )
    return report


def check_uploaded(pdf_bytes: bytes) -> dict[str, Any]:
    """``verify_pdf`` on an uploaded file (the report of ``vanthu verify --json``) with
    ``registered``: the public issued document it is, or None. Raises ``DocumentStateError``
    when the bytes are not a readable PDF."""
    try:
        report = verify_pdf(
            pdf_bytes, trust_roots=trust_roots(), registered_lookup=registered_public
        )
    except DocumentStateError:
        raise
    except Exception as exc:
        # The bytes come from anyone on the internet: whatever the PDF parser trips on
        # (KeyError, IndexError, struct errors on damaged objects) means "not a readable
        # PDF" for the visitor, not a server error.
        raise DocumentStateError("Tệp không phải PDF hợp lệ hoặc bị hỏng.") from exc
    report["sha256"] = hashlib.sha256(pdf_bytes).hexdigest()
    report["summary"] = describe(report["verdict"], report)
    report["verdict_label"] = VERDICT_LABELS.get(report["verdict"], report["verdict"])
    report["rows"] = _signature_rows(report)
    return report
