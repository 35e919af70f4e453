"""Outgoing documents (Decree 30/2020 Art. 10–19): draft → content check by the department
leader → form check by the clerk → approval by the signer → number, register and issue the
same day, delivering to recipient agencies through the transport interface."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanthu.circuits.actions import (
    applicable_circuit,
    decide_on_document,
    open_review_of,
    start_review,
)
from vanthu.circuits.models import Review
from vanthu.delegation.models import Delegation
from vanthu.delegation.queues import substitute_awaiting_signature
from vanthu.delegation.signing import apply_substitute, require_sign_authority, substitute_note
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Department, Membership, Role, User
from vanthu.documents.actions.common import add_file, audit, require_role, snapshot, transition
from vanthu.documents.convert import convert_to_pdf
from vanthu.documents.files import (
    DRAFT_TYPES,
    PDF,
    check_upload,
    current_attachments,
    current_main,
    read_bytes,
)
from vanthu.documents.models import Direction, Document, FileVersion, ReviewComment, Status
from vanthu.documents.numbering import (
    format_number,
    local_today,
    outgoing_notation,
    outgoing_series,
    take_number,
)
from vanthu.documents.search import search_text_for
from vanthu.documents.validation import Metadata, check_outgoing
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.exchange.models import Delivery
from vanthu.exchange.transports import get_transport, transport_for
from vanthu.signing.actions import (
    SignedPdf,
    open_agency_seal,
    prepare_personal_signature,
    sign_as_agency,
    sign_attachments_as_agency,
    stamp_for_issue,
    store_signed,
)

STAFF_ROLES = (Role.SPECIALIST, Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER, Role.CLERK)


def _check_people(agency: Agency, signer: User | None, readers: list[User], errors: dict) -> None:
    if signer is None:
        errors["signer"] = "Chưa chọn người ký."
    elif not roles_of(signer).has(agency.pk, Role.AGENCY_LEADER):
        errors["signer"] = "Người ký phải là lãnh đạo của cơ quan."
    # Naming a reader grants access to a secret draft: only the agency's own staff qualify.
    if any(not roles_of(r).has(agency.pk, *STAFF_ROLES) for r in readers):
        errors["named_readers"] = "Người được xem văn bản mật phải là cán bộ của cơ quan."


def signer_position_of(signer: User, agency: Agency) -> str:
    """The signer's position as the directory holds it (printed under the signature)."""
    membership = (
        Membership.objects.current()
        .filter(user=signer, agency=agency, role=Role.AGENCY_LEADER, position__isnull=False)
        .select_related("position")
        .first()
    )
    return membership.position.name if membership else ""


def create_draft(
    user: User,
    agency: Agency,
    meta: Metadata,
    *,
    department: Department | None,
    signer: User | None,
    recipients: list[Agency],
    file_name: str,
    file_content: bytes,
    named_readers: list[User] | None = None,
) -> Document:
    require_role(user, agency, *STAFF_ROLES)
    doc_type, errors = check_outgoing(meta)
    _check_people(agency, signer, named_readers or [], errors)
    if department is not None and department.agency_id != agency.pk:
        errors["department"] = "Đơn vị soạn thảo phải thuộc cơ quan này."
    if meta.secrecy != "normal" and recipients:
        # Decision 28/2018: state-secret content never travels as an electronic document.
        errors["recipients"] = "Văn bản mật không được gửi điện tử; hãy gửi bản giấy qua văn thư."
    if any(a.pk == agency.pk for a in recipients):
        errors["recipients"] = "Không gửi văn bản cho chính cơ quan ban hành."
    if not recipients and not meta.recipients_text.strip():
        errors["recipients"] = "Chưa nhập nơi nhận."
    try:
        checked = check_upload(file_name, file_content, allowed=DRAFT_TYPES)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        doc = Document(
            agency=agency,
            direction=Direction.OUTGOING,
            status=Status.DRAFT,
            doc_type=doc_type,
            created_by=user,
            drafting_department=department,
            signer=signer,
            subject=meta.subject,
            issuer_name=agency.name,
            issuer_code=agency.code,
            signer_name=signer.full_name,
            signer_position=meta.signer_position or signer_position_of(signer, agency),
            signing_capacity=meta.signing_capacity,
            urgency=meta.urgency,
            secrecy=meta.secrecy,
            due_on=meta.due_on,
            issued_amount=meta.issued_amount,
            description=meta.description,
            recipients_text=meta.recipients_text,
            is_normative=meta.is_normative,
        )
        doc.search_text = search_text_for(doc)
        doc.save()
        doc.recipient_agencies.set(recipients)
        if doc.is_secret:
            doc.named_readers.set({user, signer, *(named_readers or [])})
        add_file(doc, checked, FileVersion.Kind.MAIN, user)
        audit("document.drafted", doc, user, {})
    return doc


def replace_draft_file(
    user: User, doc: Document, file_name: str, file_content: bytes
) -> FileVersion:
    """A new version of the draft file; older versions stay for the record."""
    _require_editable_draft(user, doc)
    checked = check_upload(file_name, file_content, allowed=DRAFT_TYPES)
    with transaction.atomic():
        version = add_file(doc, checked, FileVersion.Kind.MAIN, user)
        audit(
            "document.file_replaced", doc, user, snapshot(doc), note=f"Phiên bản {version.version}"
        )
    return version


MAX_ATTACHMENTS = 20


def _require_editable_draft(user: User, doc: Document) -> None:
    if doc.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người soạn thảo mới được cập nhật dự thảo.")
    if doc.status != Status.DRAFT:
        raise InvalidTransition("Chỉ cập nhật tệp khi văn bản đang là dự thảo.")


def add_attachment(user: User, doc: Document, file_name: str, file_content: bytes) -> FileVersion:
    """A phụ lục or accompanying document issued as a separate file. PDF only: at issuance
    the agency signs each attachment (Appendix I: số/ký hiệu and the time, top right)."""
    _require_editable_draft(user, doc)
    checked = check_upload(file_name, file_content, allowed={PDF}, field="attachment")
    if len(current_attachments(doc)) >= MAX_ATTACHMENTS:
        raise ValidationFailed(
            {"attachment": f"Mỗi văn bản có tối đa {MAX_ATTACHMENTS} tệp phụ lục, kèm theo."}
        )
    with transaction.atomic():
        version = add_file(doc, checked, FileVersion.Kind.ATTACHMENT, user)
        audit("document.attachment_added", doc, user, snapshot(doc), note=checked.name)
    return version


def remove_attachment(user: User, doc: Document, file_public_id) -> None:
    """Take an attachment off a draft (drafts only: once submitted, files are the record)."""
    _require_editable_draft(user, doc)
    version = doc.files.filter(kind=FileVersion.Kind.ATTACHMENT, public_id=file_public_id).first()
    if version is None:
        raise ValidationFailed({"attachment": "Không tìm thấy tệp phụ lục này trong dự thảo."})
    with transaction.atomic():
        version.delete()
        audit(
            "document.attachment_removed",
            doc,
            user,
            snapshot(doc),
            note=f"{version.original_name} (SHA-256 {version.sha256[:12]}…)",
        )


def _ensure_pdf(user: User, doc: Document) -> None:
    """Reviewers and the signer read a PDF: render the .docx once, when the draft is submitted.
    The conversion runs before the transaction so that no lock is held for seconds."""
    main = current_main(doc)
    if main is None or main.mime_type == PDF or main.renditions.exists():
        return
    pdf = convert_to_pdf(main.original_name, read_bytes(main.storage_name))
    name = main.original_name.rsplit(".", 1)[0] + ".pdf"
    checked = check_upload(name, pdf, allowed={PDF})
    add_file(doc, checked, FileVersion.Kind.RENDITION, user, derived_from=main)


def submit_draft(user: User, doc: Document) -> Document:
    if doc.created_by_id != user.pk:
        raise PermissionDenied("Chỉ người soạn thảo mới được trình dự thảo.")
    if doc.status != Status.DRAFT:
        raise InvalidTransition("Văn bản không còn là dự thảo.")
    _ensure_pdf(user, doc)
    # Without a drafting department (a leader drafting himself) the content check is his own.
    target = Status.CONTENT_REVIEW if doc.drafting_department_id else Status.FORM_CHECK
    # The agency's review circuit, when one applies, replaces the single content check; the
    # status stays content_review while it runs (a refused start rolls the submission back).
    circuit = applicable_circuit(doc)
    with transaction.atomic():
        before = snapshot(doc)
        transition(doc, {Status.DRAFT}, target)
        audit("document.submitted", doc, user, before)
        if circuit is not None and target == Status.CONTENT_REVIEW:
            start_review(user, doc, circuit)
    return doc


def _may_review_content(user: User, doc: Document) -> bool:
    roles = roles_of(user)
    return doc.drafting_department_id in roles.led_departments or roles.has(
        doc.agency_id, Role.AGENCY_LEADER
    )


def _review(
    user: User,
    doc: Document,
    *,
    approve: bool,
    comment: str,
    step: str,
    to: str,
    on_approve: Callable[[], object] | None = None,
    delegation: Delegation | None = None,
    signer_fields: list[str] | None = None,
) -> Document:
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationFailed({"comment": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."})
    with transaction.atomic():
        before = snapshot(doc)
        transition(doc, {step}, to if approve else Status.DRAFT)
        if comment:
            ReviewComment.objects.create(document=doc, author=user, text=comment)
        if approve and signer_fields:
            # A substitute signed: the register and the record name them and their capacity.
            doc.save(update_fields=signer_fields)
        audit(
            "document.approved_step" if approve else "document.returned",
            doc,
            user,
            before,
            # "Ký thay: <người ký thay> thay <người ủy quyền> (KT.)", then the comment.
            note=substitute_note(delegation, comment),
            on_behalf_of=delegation.principal if delegation else None,
        )
        if approve and on_approve is not None:
            on_approve()
    return doc


def review_content(user: User, doc: Document, *, approve: bool, comment: str = "") -> Document:
    if open_review_of(doc) is not None:
        # A circuit runs the content review: only its reviewers decide, each on their turn.
        return decide_on_document(user, doc, approve=approve, opinion=comment)
    if not _may_review_content(user, doc):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị soạn thảo mới được kiểm tra nội dung.")
    return _review(
        user,
        doc,
        approve=approve,
        comment=comment,
        step=Status.CONTENT_REVIEW,
        to=Status.FORM_CHECK,
    )


def check_form(user: User, doc: Document, *, approve: bool, comment: str = "") -> Document:
    require_role(user, doc.agency, Role.CLERK)
    return _review(
        user,
        doc,
        approve=approve,
        comment=comment,
        step=Status.FORM_CHECK,
        to=Status.AWAITING_SIGNATURE,
    )


def approve_signature(
    user: User,
    doc: Document,
    *,
    approve: bool,
    comment: str = "",
    secret: str = "",
    signed: SignedPdf | None = None,
) -> Document:
    """The signer approves (or returns) the draft. With a signing credential, approving also
    certifies the PDF with the personal signature (``secret``: the password or PIN the signer
    typed, when the key is not unlocked by the server).

    ``signed`` is a personal signature already made outside this call (the signer's USB token
    through the local agent, finished by ``signing.remote.finish_personal``): it is stored in
    the approving transaction instead of signing here."""
    # The designated signer, or the person the delegation register says signs for them
    # today; an expired, revoked or not-yet-valid delegation is refused with its reason.
    delegation = require_sign_authority(user, doc)
    signer_fields = None
    if signed is not None and (not approve or signed.document.pk != doc.pk):
        raise ValidationFailed({"signature": "Chữ ký số không thuộc văn bản đang ký duyệt."})
    if approve:
        if doc.status != Status.AWAITING_SIGNATURE:
            raise InvalidTransition(
                f"Văn bản đang ở trạng thái «{doc.get_status_display()}», không thể ký duyệt."
            )
        if delegation is not None:
            # Before signing, so the signature block shows who signs and in which capacity.
            signer_fields = apply_substitute(doc, delegation)
        # Signing takes most of a second: done before the transaction, so a wrong password
        # leaves the document awaiting signature and nothing stored.
        if signed is None:
            signed = prepare_personal_signature(user, doc, secret=secret)
    return _review(
        user,
        doc,
        approve=approve,
        comment=comment,
        step=Status.AWAITING_SIGNATURE,
        to=Status.APPROVED,
        on_approve=(lambda: store_signed(user, signed)) if signed is not None else None,
        delegation=delegation,
        signer_fields=signer_fields,
    )


def issue_document(user: User, doc: Document, *, secret: str = "") -> Document:
    """Number, register and dispatch (Art. 15–16): the number is taken in the same
    transaction that marks the document issued and creates the deliveries.

    With an agency signing credential the number and date are filled into the PDF and the
    seal applied inside that transaction (the number exists only there); a signing error
    rolls the number back. The key itself is opened before, so a bad password fails fast."""
    require_role(user, doc.agency, Role.CLERK)
    seal = open_agency_seal(doc.agency, secret=secret)
    try:
        return _issue(user, doc, seal)
    finally:
        if seal is not None:
            seal.signer.close()


def _issue(user: User, doc: Document, seal) -> Document:
    with transaction.atomic():
        doc = (
            Document.objects.select_for_update(of=("self",))
            .select_related("agency", "doc_type", "drafting_department")
            .get(pk=doc.pk)
        )
        before = snapshot(doc)
        transition(doc, {Status.APPROVED}, Status.ISSUED)
        now = timezone.now()
        doc.issued_on = local_today()
        doc.issued_at = now
        doc.year = doc.issued_on.year
        doc.series = outgoing_series(doc)
        doc.number = take_number(doc.agency, doc.year, doc.series)
        doc.number_text = format_number(doc.number)
        doc.notation = outgoing_notation(doc)
        main = current_main(doc)
        rendition = main.renditions.order_by("-version").first() if main else None
        if rendition is not None:
            # The PDF the signer approved becomes the issued main version.
            issued = FileVersion.objects.create(
                document=doc,
                kind=FileVersion.Kind.MAIN,
                version=main.version + 1,
                original_name=rendition.original_name,
                storage_name=rendition.storage_name,
                sha256=rendition.sha256,
                size=rendition.size,
                mime_type=rendition.mime_type,
                page_count=rendition.page_count,
                derived_from=rendition,
                created_by=user,
            )
            main = issued
        doc.page_amount = main.page_count if main else None
        doc.search_text = search_text_for(doc)
        doc.save()
        audit("document.issued", doc, user, before, note=f"Số {doc.reference}")
        # The QR code goes in before any signature (a personally signed PDF has it already).
        stamp_for_issue(user, doc)
        if seal is not None:
            sign_as_agency(user, doc, seal=seal)
            sign_attachments_as_agency(user, doc, seal=seal)
        for agency in doc.recipient_agencies.all():
            # Kênh liên thông: agencies of this deployment locally, the others over the hub.
            delivery = Delivery.objects.create(
                document=doc, recipient=agency, transport=transport_for(agency)
            )
            get_transport(delivery.transport).send(delivery)
    return doc


def outgoing_queue_for(user: User):
    """What waits for this user in the outgoing flow, per step."""
    roles = roles_of(user)
    base = Document.objects.filter(direction=Direction.OUTGOING)
    return {
        # Drafts under a review circuit wait in its own "Chờ tôi duyệt" queue instead.
        "content_review": base.filter(
            status=Status.CONTENT_REVIEW, drafting_department_id__in=roles.led_departments
        ).exclude(pk__in=Review.objects.filter(finished_at__isnull=True).values("document_id")),
        "form_check": base.filter(
            status=Status.FORM_CHECK, agency_id__in=roles.agencies_with(Role.CLERK)
        ),
        "awaiting_signature": base.filter(status=Status.AWAITING_SIGNATURE, signer=user),
        # Drafts awaiting a leader this user signs for today (the delegation register).
        "substitute_signature": substitute_awaiting_signature(user),
        "to_issue": base.filter(
            status=Status.APPROVED, agency_id__in=roles.agencies_with(Role.CLERK)
        ),
    }
