"""Builders for the document-core tests: drafts walked through the outgoing flow, incoming
registrations, and a look at what landed in file storage. They call the actions only, so a
document made here is in exactly the state a user would have put it in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings

from tests import files
from vanthu.documents import actions
from vanthu.documents.models import Document, FileVersion, Status
from vanthu.documents.validation import Metadata

SUBJECT = "Về việc đề nghị bổ sung kinh phí năm 2026"


def outgoing_meta(**fields) -> Metadata:
    values = {
        "doc_type_code": "CV",
        "subject": SUBJECT,
        "recipients_text": "Như trên; Lưu: VT, KT.",
    }
    values.update(fields)
    return Metadata(**values)


def make_draft(
    world,
    *,
    user=None,
    agency=None,
    department="default",
    signer="default",
    recipients=(),
    named_readers=None,
    file_name="du-thao.pdf",
    file_content=None,
    **meta_fields,
) -> Document:
    """A draft of UBND tỉnh by its specialist in Phòng Kinh tế, to be signed by the chairman."""
    return actions.create_draft(
        user or world.specialist_ubnd,
        agency or world.ubnd,
        outgoing_meta(**meta_fields),
        department=world.kt_ubnd if department == "default" else department,
        signer=world.leader_ubnd if signer == "default" else signer,
        recipients=list(recipients),
        file_name=file_name,
        file_content=files.pdf(["Dự thảo văn bản"]) if file_content is None else file_content,
        named_readers=named_readers,
    )


def _reviewers(world, agency):
    """The clerk and the content reviewer of each persona agency."""
    return {
        world.ubnd.pk: (world.clerk_ubnd, world.dept_leader_ubnd),
        world.stc.pk: (world.clerk_stc, world.dept_leader_stc),
        world.xa.pk: (world.clerk_xa, world.leader_xa),
    }[agency.pk]


def advance(world, doc: Document, to: str) -> Document:
    """Walk a draft through the outgoing flow until it reaches status `to`."""
    clerk, reviewer = _reviewers(world, doc.agency)
    steps = [
        (Status.DRAFT, lambda d: actions.submit_draft(d.created_by, d)),
        (Status.CONTENT_REVIEW, lambda d: actions.review_content(reviewer, d, approve=True)),
        (Status.FORM_CHECK, lambda d: actions.check_form(clerk, d, approve=True)),
        (Status.AWAITING_SIGNATURE, lambda d: actions.approve_signature(d.signer, d, approve=True)),
        (Status.APPROVED, lambda d: actions.issue_document(clerk, d)),
    ]
    start = [status for status, _ in steps].index(doc.status)
    for status, step in steps[start:]:
        if doc.status == to:
            break
        assert doc.status == status, f"unexpected status {doc.status} before {status}"
        doc = step(doc)
    assert doc.status == to
    return doc


def make_approved(world, **kwargs) -> Document:
    return advance(world, make_draft(world, **kwargs), Status.APPROVED)


def make_issued(world, **kwargs) -> Document:
    return advance(world, make_draft(world, **kwargs), Status.ISSUED)


def incoming_meta(**fields) -> Metadata:
    values = {
        "doc_type_code": "CV",
        "subject": "Về việc báo cáo tình hình thu ngân sách quý I",
        "number_text": "15",
        "notation": "STC-NS",
        "issued_on": date(2026, 3, 2),
        "issuer_name": "Sở Tài chính tỉnh Nghệ An",
        "issuer_code": "000.05.00.H41",
    }
    values.update(fields)
    return Metadata(**values)


def register(
    world,
    *,
    user=None,
    agency=None,
    channel="paper",
    file_name="scan.pdf",
    file_content=None,
    confirm_duplicate=False,
    **meta_fields,
) -> Document:
    """UBND tỉnh's clerk registers a document received from Sở Tài chính."""
    return actions.register_incoming(
        user or world.clerk_ubnd,
        agency or world.ubnd,
        incoming_meta(**meta_fields),
        file_name=file_name,
        file_content=files.pdf(["Văn bản đến"]) if file_content is None else file_content,
        channel=channel,
        confirm_duplicate=confirm_duplicate,
    )


def arrived_at_stc(world, **kwargs) -> Document:
    """An UBND công văn issued electronically to Sở Tài chính: the copy waiting at STC."""
    issued = make_issued(world, recipients=[world.stc], **kwargs)
    return issued.deliveries.get().incoming_document


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> tuple[int, int, int]:
    """Documents, file versions and stored files: what a refused input must leave alone."""
    return Document.objects.count(), FileVersion.objects.count(), len(stored_files())
