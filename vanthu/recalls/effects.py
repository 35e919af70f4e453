"""What an agreed request does to the recipient's incoming copy, and the staging of an
update's new file. Called by `actions.answer_request` / `actions.receive_request` inside
their transaction; nothing here checks permissions."""

from __future__ import annotations

from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.documents.files import PDF, CheckedFile, store
from vanthu.documents.models import Direction, Document, FileVersion, Status, Urgency
from vanthu.documents.search import search_text_for
from vanthu.errors import InvalidTransition
from vanthu.processing.models import OPEN_STATUSES, Assignment, AssignmentStatus
from vanthu.recalls.fields import parse_received, to_json
from vanthu.recalls.models import RECALLED, REPLACED, ReceivedRequest
from vanthu.signing.actions import check_signatures

# A staged file is a main version numbered 0: below every real version, so current_main()
# (the highest) ignores it until the clerk agrees and it gets the next number.
STAGED_VERSION = 0
RECALLED_SUBJECT = "(Văn bản đã bị thu hồi theo yêu cầu của cơ quan gửi; nội dung đã hủy)"
# Metadata destroyed with a recalled copy (Decree 30 Appendix VI). Kept: the reference,
# issuer, dates, type and số đến, which the incoming register and the log need.
_BLANKED = {
    "subject": RECALLED_SUBJECT,
    "signer_name": "",
    "signer_position": "",
    "signing_capacity": "",
    "urgency": Urgency.NORMAL,
    "due_on": None,
    "page_amount": None,
    "issued_amount": None,
    "description": "",
    "recipients_text": "",
}
_CLOSED = (RECALLED, REPLACED, Status.REFUSED)


def _log(action: str, doc: Document, user, *, before=None, after=None, note: str = "") -> None:
    record_event(action, doc, actor=user, agency=doc.agency, before=before, after=after, note=note)


# --- files ----------------------------------------------------------------------------------


def stage_file(incoming: Document, new_file) -> FileVersion:
    """Put an update's new main PDF on the incoming copy, not current yet.

    `new_file` is the sender's FileVersion (local delivery: the row is copied, the stored
    bytes are shared, being content-addressed), a FileVersion already on the copy (a
    transport that stored it: it is moved below the current version), or a CheckedFile
    (bytes from a package: stored now)."""
    if isinstance(new_file, CheckedFile):
        staged = FileVersion.objects.create(
            document=incoming,
            kind=FileVersion.Kind.MAIN,
            version=STAGED_VERSION,
            original_name=new_file.name,
            storage_name=store(new_file),
            sha256=new_file.sha256,
            size=new_file.size,
            mime_type=new_file.mime_type,
            page_count=new_file.page_count,
        )
    elif new_file.document_id == incoming.pk:
        FileVersion.objects.filter(pk=new_file.pk).update(
            kind=FileVersion.Kind.MAIN, version=STAGED_VERSION
        )
        new_file.kind, new_file.version = FileVersion.Kind.MAIN, STAGED_VERSION
        staged = new_file
    else:
        staged = FileVersion.objects.create(
            document=incoming,
            kind=FileVersion.Kind.MAIN,
            version=STAGED_VERSION,
            original_name=new_file.original_name,
            storage_name=new_file.storage_name,
            sha256=new_file.sha256,
            size=new_file.size,
            mime_type=new_file.mime_type,
            page_count=new_file.page_count,
        )
    # The recipient checks authenticity and integrity of what it is asked to accept, as for
    # an arrival (Art. 21.1b); the clerk sees the verdict beside the differences.
    if staged.mime_type == PDF and not staged.signature_checks.exists():
        check_signatures(staged)
    return staged


def delete_unreferenced(storage_names) -> None:
    """Remove stored bytes no file version points at any more. Runs after commit: a rolled
    back destruction must find its files still there. Bytes are shared by content, so the
    sender's copy (same deployment) keeps them alive."""
    for name in sorted(storage_names):
        if not FileVersion.objects.filter(storage_name=name).exists():
            default_storage.delete(name)


def discard_file(version: FileVersion | None) -> None:
    if version is None:
        return
    name = version.storage_name
    FileVersion.objects.filter(pk=version.pk).delete()
    transaction.on_commit(partial(delete_unreferenced, {name}))


# --- the three effects ----------------------------------------------------------------------


def destroy_copy(user, incoming: Document, received: ReceivedRequest) -> None:
    """Recall agreed (Decree 30 Art. 18.4, Appendix VI): the copy's files and metadata are
    destroyed, its handling closed, the fact logged. The row stays, blanked, with its
    reference and số đến: the register has a line for it and the log must say what went."""
    files = list(incoming.files.order_by("kind", "version", "id"))
    before = {
        "status": incoming.status,
        "reference": incoming.reference,
        "arrival_number": incoming.arrival_number,
        "files": [{"name": f.original_name, "sha256": f.sha256} for f in files],
    }
    changed = (
        Document.objects.filter(pk=incoming.pk, direction=Direction.INCOMING)
        .exclude(status=RECALLED)
        .update(status=RECALLED, updated_at=timezone.now(), **_BLANKED)
    )
    if changed != 1:
        raise InvalidTransition("Văn bản đã bị thu hồi trước đó.")
    for name, value in _BLANKED.items():
        setattr(incoming, name, value)
    incoming.status = RECALLED
    incoming.search_text = search_text_for(incoming)
    Document.objects.filter(pk=incoming.pk).update(search_text=incoming.search_text)
    # A copy's own renditions point at its versions (PROTECT): unlink before deleting.
    FileVersion.objects.filter(document=incoming).update(derived_from=None)
    FileVersion.objects.filter(document=incoming).delete()
    transaction.on_commit(partial(delete_unreferenced, {f.storage_name for f in files}))
    now = timezone.now()
    closed = Assignment.objects.filter(document=incoming, status__in=OPEN_STATUSES).update(
        status=AssignmentStatus.CANCELLED,
        completed_at=now,
        completed_by=user,
        result_note="Văn bản đã bị thu hồi theo yêu cầu của cơ quan gửi.",
    )
    _log(
        "recalls.copy_destroyed",
        incoming,
        user,
        before=before,
        after={"status": RECALLED, "reference": incoming.reference, "closed_lines": closed},
        note=received.reason,
    )


def apply_update(user, incoming: Document, received: ReceivedRequest) -> None:
    """Update agreed: the corrected metadata go onto the copy and the new file becomes its
    current main version."""
    if incoming.status in _CLOSED:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái «{incoming.get_status_display()}», không cập nhật được."
        )
    parsed = parse_received(received.changes)
    before = {name: to_json(getattr(incoming, name)) for name in parsed}
    for name, value in parsed.items():
        setattr(incoming, name, value)
    incoming.search_text = search_text_for(incoming)
    incoming.save(update_fields=[*parsed, "search_text", "updated_at"])
    after = {name: to_json(value) for name, value in parsed.items()}
    if received.new_file_id:
        last = (
            incoming.files.filter(kind=FileVersion.Kind.MAIN)
            .exclude(pk=received.new_file_id)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        number = (last or 0) + 1
        FileVersion.objects.filter(pk=received.new_file_id).update(version=number)
        before["file"] = {"version": last}
        after["file"] = {"version": number, "sha256": received.new_file.sha256}
    _log("recalls.copy_updated", incoming, user, before=before, after=after, note=received.reason)


def mark_replaced(user, incoming: Document, received: ReceivedRequest) -> None:
    """Replace agreed: the old copy is marked replaced, linked to the new one."""
    new = received.replacement
    if new is not None and new.status == Status.REFUSED:
        raise InvalidTransition(
            "Văn bản thay thế đã bị từ chối tiếp nhận; hãy từ chối yêu cầu thay thế này."
        )
    old_status = incoming.status
    changed = (
        Document.objects.filter(pk=incoming.pk, direction=Direction.INCOMING)
        .exclude(status__in=_CLOSED)
        .update(status=REPLACED, updated_at=timezone.now())
    )
    if changed != 1:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái «{incoming.get_status_display()}», không thay thế được."
        )
    incoming.status = REPLACED
    ref = (new.reference or "(không số)") if new is not None else "(chưa nhận được)"
    _log(
        "recalls.copy_replaced",
        incoming,
        user,
        before={"status": old_status, "reference": incoming.reference},
        after={
            "status": REPLACED,
            "replaced_by": str(new.public_id) if new is not None else None,
        },
        note=f"Bị thay thế bởi văn bản {ref}",
    )
