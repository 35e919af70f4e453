"""Incoming documents (Decree 30/2020 Art. 20–24): receive, register with số đến, present to a
leader, forward; refuse an electronic arrival that fails checks."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils import timezone

from vanthu.directory.access import roles_of
from vanthu.directory.models import Department, Membership, Role, User
from vanthu.documents.actions.common import add_file, audit, require_role, snapshot, transition
from vanthu.documents.files import PDF, SCAN_TYPES, check_upload, current_main
from vanthu.documents.models import Channel, Direction, Document, FileVersion, Forward, Status
from vanthu.documents.numbering import INCOMING_SERIES, format_number, local_today, take_number
from vanthu.documents.search import search_text_for
from vanthu.documents.validation import Metadata, check_incoming
from vanthu.errors import DomainError, PermissionDenied, ValidationFailed
from vanthu.exchange.feedback import report_back
from vanthu.exchange.models import StatusCode
from vanthu.signing.actions import check_signatures
from vanthu.signing.models import SignatureCheck
from vanthu.signing.policy import refusal_reason


class DuplicateSuspected(DomainError):
    code = "duplicate_suspected"

    def __init__(self, matches: list[Document]):
        self.matches = matches
        # A secret match is announced without its reference: the clerk may not be one of
        # the people named on it.
        refs = ", ".join(
            f"{d.reference} (số đến {d.arrival_number:02d})"
            for d in matches
            if d.arrival_number and not d.is_secret
        )
        secret = sum(1 for d in matches if d.is_secret)
        if secret:
            refs = ", ".join(filter(None, [refs, f"{secret} văn bản mật"]))
        super().__init__(
            "Có thể trùng văn bản đã vào sổ: cùng số, ký hiệu, cơ quan ban hành và ngày ban hành "
            f"({refs or 'chưa vào sổ'}). Hãy kiểm tra, nếu đúng là văn bản khác thì xác nhận để tiếp tục."
        )


def _same_text_key(text: str) -> str:
    # Case and spacing as typed, and composed or combining accents, do not make another
    # document. Compared in Python: SQLite's iexact folds ASCII letters only ("SỞ" ≠ "Sở").
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _number_variants(number_text: str) -> set[str]:
    # "5" typed from paper is the "05" printed on the document (Appendix I.II.3).
    if number_text.isdigit():
        return {number_text, str(int(number_text)), format_number(int(number_text))}
    return {number_text}


def find_duplicates(agency, meta: Metadata, *, exclude_pk: int | None = None) -> list[Document]:
    if not (meta.number_text or meta.notation):
        return []
    candidates = Document.objects.filter(
        agency=agency,
        direction=Direction.INCOMING,
        number_text__in=_number_variants(meta.number_text),
        issued_on=meta.issued_on,
    ).exclude(status=Status.REFUSED)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    notation, issuer = _same_text_key(meta.notation), _same_text_key(meta.issuer_name)
    return [
        d
        for d in candidates.order_by("pk")
        if _same_text_key(d.notation) == notation and _same_text_key(d.issuer_name) == issuer
    ][:5]


def _assign_arrival_number(doc: Document) -> None:
    doc.arrived_at = doc.arrived_at or timezone.now()
    # Số đến runs per calendar year of registration (Art. 22.2), in Vietnam's time zone.
    doc.year = local_today().year
    doc.arrival_number = take_number(doc.agency, doc.year, INCOMING_SERIES)
    doc.registered_at = timezone.now()


def register_incoming(
    user: User,
    agency,
    meta: Metadata,
    *,
    file_name: str,
    file_content: bytes,
    channel: str = Channel.ELECTRONIC,
    confirm_duplicate: bool = False,
) -> Document:
    """A clerk registers a document received on paper (scan) or electronically (file)."""
    require_role(user, agency, Role.CLERK)
    doc_type, errors = check_incoming(meta)
    if channel not in Channel.values:
        errors["channel"] = "Hình thức nhận không hợp lệ."
    try:
        checked = check_upload(file_name, file_content, allowed=SCAN_TYPES)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    if not confirm_duplicate:
        duplicates = find_duplicates(agency, meta)
        if duplicates:
            raise DuplicateSuspected(duplicates)

    with transaction.atomic():
        doc = Document(
            agency=agency,
            direction=Direction.INCOMING,
            status=Status.REGISTERED,
            doc_type=doc_type,
            channel=channel,
            created_by=user,
            number_text=meta.number_text,
            notation=meta.notation,
            subject=meta.subject,
            issued_on=meta.issued_on,
            issuer_name=meta.issuer_name,
            issuer_code=meta.issuer_code,
            signer_name=meta.signer_name,
            signer_position=meta.signer_position,
            signing_capacity=meta.signing_capacity,
            urgency=meta.urgency,
            secrecy=meta.secrecy,
            due_on=meta.due_on,
            page_amount=meta.page_amount or checked.page_count,
            description=meta.description,
            recipients_text=meta.recipients_text,
        )
        _assign_arrival_number(doc)
        doc.search_text = search_text_for(doc)
        doc.save()
        add_file(doc, checked, FileVersion.Kind.MAIN, user)
        if doc.is_secret:
            doc.named_readers.add(user)
        audit("document.registered", doc, user, {}, note=f"Số đến {doc.arrival_number:02d}")
    return doc


def _ensure_signatures_checked(doc: Document) -> None:
    """Authenticity and integrity of an electronic arrival (Art. 21.1b): transports check
    on arrival; one that did not gets the check here, before the clerk registers it."""
    main = current_main(doc)
    if main is not None and main.mime_type == PDF and not main.signature_checks.exists():
        check_signatures(main)


def accept_arrival(user: User, doc: Document, *, confirm_duplicate: bool = False) -> Document:
    """Register an electronic document that arrived from another agency (status 03 back)."""
    require_role(user, doc.agency, Role.CLERK)
    if not confirm_duplicate:
        meta = Metadata(
            number_text=doc.number_text,
            notation=doc.notation,
            issuer_name=doc.issuer_name,
            issued_on=doc.issued_on,
        )
        duplicates = find_duplicates(doc.agency, meta, exclude_pk=doc.pk)
        if duplicates:
            raise DuplicateSuspected(duplicates)
    _ensure_signatures_checked(doc)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc.pk)
        before = snapshot(doc)
        transition(doc, {Status.ARRIVED}, Status.REGISTERED)
        _assign_arrival_number(doc)
        doc.created_by = doc.created_by or user
        doc.save(
            update_fields=[
                "arrival_number",
                "arrived_at",
                "registered_at",
                "year",
                "created_by",
                "updated_at",
            ]
        )
        report_back(doc, StatusCode.ACCEPTED, actor=user)
        audit("document.registered", doc, user, before, note=f"Số đến {doc.arrival_number:02d}")
    return doc


def refuse_arrival(user: User, doc: Document, reason: str) -> Document:
    """Return an arrived document to its sender (status 02) with the reason."""
    require_role(user, doc.agency, Role.CLERK)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": "Hãy nêu lý do từ chối để gửi lại cơ quan gửi."})
    return _refuse(user, doc, reason)


def apply_arrival_policy(doc: Document, check: SignatureCheck | None) -> bool:
    """Refuse an electronic arrival the agency's signing policy does not accept (unsigned or
    invalid signatures, see ``vanthu.signing.policy``). The refusal takes the clerk's path
    with no actor: status 02 and the reason go back to the sender, the audit event says it
    was automatic. ``check`` is the arrival's check of its main PDF, None when there is no
    PDF. Returns whether the document was refused."""
    reason = refusal_reason(doc.agency, check)
    if reason is None:
        return False
    _refuse(None, doc, reason)
    return True


def check_arrival(doc: Document) -> SignatureCheck | None:
    """What a transport runs when an electronic document arrives (Art. 21.1b): check the
    signatures of the main PDF, then apply the agency's policy."""
    main = current_main(doc)
    check = None
    if main is not None and main.mime_type == PDF:
        check = main.signature_checks.order_by("-checked_at", "-id").first()
        check = check or check_signatures(main)
    apply_arrival_policy(doc, check)
    return check


def _refuse(user: User | None, doc: Document, reason: str) -> Document:
    with transaction.atomic():
        before = snapshot(doc)
        transition(doc, {Status.ARRIVED}, Status.REFUSED)
        Document.objects.filter(pk=doc.pk).update(refusal_reason=reason)
        doc.refusal_reason = reason
        report_back(doc, StatusCode.REJECTED, actor=user, note=reason)
        audit("document.refused", doc, user, before, note=reason)
    return doc


def present_to_leader(user: User, doc: Document, leader: User) -> Document:
    require_role(user, doc.agency, Role.CLERK)
    if not roles_of(leader).has(doc.agency_id, Role.AGENCY_LEADER):
        raise ValidationFailed({"leader": "Người được trình phải là lãnh đạo của cơ quan."})
    with transaction.atomic():
        before = snapshot(doc)
        transition(doc, {Status.REGISTERED, Status.PRESENTED}, Status.PRESENTED)
        Document.objects.filter(pk=doc.pk).update(presented_to=leader)
        doc.presented_to = leader
        if doc.is_secret:
            # A secret document is visible to named readers only: presenting it names the
            # leader, or the leader could not open what the clerk handed over.
            doc.named_readers.add(leader)
        audit("document.presented", doc, user, before, note=f"Trình {leader.full_name}")
    return doc


def forward_document(
    user: User, doc: Document, *, users: list[User], departments: list[Department], note: str = ""
) -> list[Forward]:
    """The leader forwards an incoming document to departments and/or people of the agency."""
    roles = roles_of(user)
    if not (roles.has(doc.agency_id, Role.AGENCY_LEADER) or doc.presented_to_id == user.pk):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan mới được chuyển văn bản đến để xử lý.")
    if not users and not departments:
        raise ValidationFailed({"recipients": "Hãy chọn ít nhất một phòng, ban hoặc người nhận."})
    if any(d.agency_id != doc.agency_id for d in departments):
        raise ValidationFailed({"departments": "Phòng, ban nhận phải thuộc cơ quan này."})
    if doc.is_secret and departments:
        # Access to a secret document is granted person by person (named readers).
        raise ValidationFailed(
            {"departments": "Văn bản mật chỉ được chuyển đích danh cho từng người nhận."}
        )
    staff_ids = set(
        Membership.objects.current().filter(agency=doc.agency).values_list("user_id", flat=True)
    )
    if any(u.pk not in staff_ids for u in users):
        raise ValidationFailed({"users": "Người nhận phải là cán bộ của cơ quan này."})
    with transaction.atomic():
        before = snapshot(doc)
        transition(doc, {Status.REGISTERED, Status.PRESENTED, Status.FORWARDED}, Status.FORWARDED)
        forwards = [Forward(document=doc, to_user=u, by=user, note=note) for u in users]
        forwards += [
            Forward(document=doc, to_department=d, by=user, note=note) for d in departments
        ]
        Forward.objects.bulk_create(forwards)
        if doc.is_secret:
            doc.named_readers.add(*users)
        names = [u.full_name for u in users] + [d.name for d in departments]
        audit("document.forwarded", doc, user, before, note="Chuyển: " + ", ".join(names))
    return forwards


def mark_read(user: User, doc: Document) -> None:
    """Recipients opening a forwarded document: recorded once, for the sender's tracking."""
    now = timezone.now()
    roles = roles_of(user)
    departments = set().union(*roles.departments.values()) if roles.departments else set()
    with transaction.atomic():
        updated = (
            Forward.objects.filter(document=doc, read_at__isnull=True)
            .filter(to_user=user)
            .update(read_at=now)
        )
        updated += Forward.objects.filter(
            document=doc, read_at__isnull=True, to_department__in=departments
        ).update(read_at=now)
        if updated:
            audit("document.read", doc, user, snapshot(doc))
