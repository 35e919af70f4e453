"""Every change to a work file (STYLE rule 1): open, file a document, give an opinion, link a
reply to what it answers, remove an item, close, reopen. Each checks permission, validates,
writes inside one transaction with the file's row locked, and records an audit event.

The row lock is what makes "closed files are read-only" hold: an item added at the moment the
owner closes the file either lands before the close (and is listed) or is refused.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.models import Department, Membership, Role, User
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Direction, Document, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.workfiles.access import leads_department, may_comment, may_edit
from vanthu.workfiles.models import (
    ItemKind,
    ReplyLink,
    WorkFile,
    WorkFileItem,
    WorkFileStatus,
)

CODE_PATTERN = re.compile(r"[\w.\-/]+")
NOT_FILEABLE = {Status.ARRIVED: "chưa được vào sổ", Status.REFUSED: "đã bị từ chối"}


def _snapshot(wf: WorkFile) -> dict:
    return {
        "status": wf.status,
        "code": wf.code,
        "title": wf.title,
        "items": wf.items.count(),
    }


def _audit(action: str, wf: WorkFile, user, before: dict | None, note: str = "", **after):
    record_event(
        action,
        wf,
        actor=user,
        agency=wf.agency,
        before=before,
        after={**_snapshot(wf), **after},
        note=note,
    )


def _lock_open(wf: WorkFile) -> WorkFile:
    """Re-read the file under a row lock (inside the caller's transaction) and insist it is
    still open; the caller's instance may be stale."""
    locked = WorkFile.objects.select_for_update().get(pk=wf.pk)
    if locked.status != WorkFileStatus.OPEN:
        raise InvalidTransition(
            "Hồ sơ đã kết thúc, không thể thay đổi. Hãy đề nghị lãnh đạo phòng mở lại."
        )
    wf.status, wf.closed_at = locked.status, locked.closed_at
    return locked


def _require_edit(user, wf: WorkFile) -> None:
    if not may_edit(user, wf):
        raise PermissionDenied("Chỉ người lập hồ sơ hoặc lãnh đạo phòng được thay đổi hồ sơ này.")


def _document_ref(doc: Document) -> str:
    return doc.reference or f"{doc.doc_type.name} (chưa có số)"


# --- open -------------------------------------------------------------------------------


def _normalise_retention(value: str) -> tuple[str, str | None]:
    text = " ".join(value.split())
    if not text:
        return "", None
    if text.isdigit():
        years = int(text)
        if not 1 <= years <= 100:
            return text, "Thời hạn bảo quản tính theo năm phải từ 1 đến 100 năm."
        return f"{years} năm", None
    if text.casefold() == "vĩnh viễn":
        return "Vĩnh viễn", None
    if len(text) > 50:
        return text, "Thời hạn bảo quản tối đa 50 ký tự."
    return text, None


def eligible_departments(user):
    """The departments where `user` may open a work file: specialists and department leaders."""
    memberships = Membership.objects.current().filter(
        user=user, role__in=[Role.SPECIALIST, Role.DEPARTMENT_LEADER], department__isnull=False
    )
    return (
        Department.objects.filter(pk__in=memberships.values("department_id"))
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def suggest_code(department: Department, year: int) -> str:
    """The "KT-2026-05"-style code after the highest one of the department's year (a
    suggestion only: the person may type the code of the file plan; the unique constraint
    decides)."""
    prefix = f"{department.code}-{year}-"
    taken = WorkFile.objects.filter(
        agency_id=department.agency_id, code__startswith=prefix
    ).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def open_workfile(
    user: User,
    department: Department,
    *,
    code: str,
    title: str,
    retention: str = "",
    note: str = "",
) -> WorkFile:
    if not eligible_departments(user).filter(pk=department.pk).exists():
        raise PermissionDenied(
            "Chỉ chuyên viên hoặc lãnh đạo của phòng được mở hồ sơ công việc của phòng."
        )
    code, title, note = code.strip(), " ".join(title.split()), note.strip()
    retention, retention_error = _normalise_retention(retention)
    errors = {}
    if not code:
        errors["code"] = "Hãy nhập số và ký hiệu hồ sơ."
    elif len(code) > 30 or not CODE_PATTERN.fullmatch(code):
        errors["code"] = (
            "Số và ký hiệu hồ sơ tối đa 30 ký tự, chỉ gồm chữ, số và các dấu . - / "
            "(ví dụ KT-2026-05)."
        )
    elif WorkFile.objects.filter(agency_id=department.agency_id, code=code).exists():
        errors["code"] = f"Số và ký hiệu hồ sơ «{code}» đã được dùng trong cơ quan."
    if not title:
        errors["title"] = "Hãy nhập tiêu đề hồ sơ."
    elif len(title) > 500:
        errors["title"] = "Tiêu đề hồ sơ tối đa 500 ký tự."
    if retention_error:
        errors["retention"] = retention_error
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            wf = WorkFile.objects.create(
                agency_id=department.agency_id,
                department=department,
                code=code,
                title=title,
                owner=user,
                retention=retention,
                note=note,
                opened_at=timezone.now(),
            )
            _audit("workfile.opened", wf, user, None)
    except IntegrityError:
        # Two people took the same code at the same moment; the constraint kept one.
        raise ValidationFailed(
            {"code": f"Số và ký hiệu hồ sơ «{code}» đã được dùng trong cơ quan."}
        ) from None
    return wf


# --- items ------------------------------------------------------------------------------


def _kind_of(doc: Document) -> str:
    if doc.direction == Direction.INCOMING:
        return ItemKind.INCOMING
    return ItemKind.OUTGOING if doc.status == Status.ISSUED else ItemKind.DRAFT


def add_document(user: User, wf: WorkFile, document: Document) -> WorkFileItem:
    _require_edit(user, wf)
    # The kind follows the document's status now, not the caller's possibly older copy.
    document.refresh_from_db(fields=["status", "direction", "agency"])
    if document.agency_id != wf.agency_id:
        raise ValidationFailed(
            {"document": "Chỉ đưa vào hồ sơ văn bản của cùng cơ quan với hồ sơ."}
        )
    # The one visibility rule: filing a document must not be a way to read it.
    if not documents_visible_to(user).filter(pk=document.pk).exists():
        raise PermissionDenied("Bạn không có quyền xem văn bản này nên không thể đưa vào hồ sơ.")
    if document.status in NOT_FILEABLE:
        raise ValidationFailed(
            {"document": f"Văn bản {NOT_FILEABLE[document.status]}, chưa thể đưa vào hồ sơ."}
        )
    with transaction.atomic():
        _lock_open(wf)
        if wf.items.filter(document=document).exists():
            raise ValidationFailed({"document": "Văn bản này đã có trong hồ sơ."})
        before = _snapshot(wf)
        item = WorkFileItem.objects.create(
            work_file=wf, document=document, kind=_kind_of(document), added_by=user
        )
        _audit(
            "workfile.document_added",
            wf,
            user,
            before,
            note=_document_ref(document),
            document=str(document.public_id),
            kind=item.kind,
        )
    return item


def add_note(user: User, wf: WorkFile, text: str, *, kind: str = ItemKind.NOTE) -> WorkFileItem:
    """An opinion (ý kiến) or a note written into the file, without a document."""
    if kind not in (ItemKind.OPINION, ItemKind.NOTE):
        raise ValidationFailed({"kind": "Loại mục không hợp lệ (ý kiến hoặc ghi chú)."})
    if not may_comment(user, wf):
        raise PermissionDenied("Bạn không có quyền ghi ý kiến vào hồ sơ này.")
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "Hãy nhập nội dung ý kiến hoặc ghi chú."})
    if len(text) > 5000:
        raise ValidationFailed({"text": "Nội dung tối đa 5.000 ký tự."})
    with transaction.atomic():
        _lock_open(wf)
        before = _snapshot(wf)
        item = WorkFileItem.objects.create(work_file=wf, kind=kind, text=text, added_by=user)
        _audit("workfile.note_added", wf, user, before, note=text[:200], kind=kind)
    return item


def remove_item(user: User, wf: WorkFile, item_public_id) -> None:
    item = (
        wf.items.select_related("document", "document__doc_type")
        .filter(public_id=item_public_id)
        .first()
        if item_public_id
        else None
    )
    if item is None:
        raise ValidationFailed({"item": "Không tìm thấy mục này trong hồ sơ."})
    # The author of an opinion may take it back; documents are the file keeper's business.
    own_text = item.document_id is None and item.added_by_id == user.pk
    if not (own_text or may_edit(user, wf)):
        raise PermissionDenied("Chỉ người lập hồ sơ hoặc lãnh đạo phòng được bỏ mục này.")
    with transaction.atomic():
        _lock_open(wf)
        before = _snapshot(wf)
        dropped_links = 0
        if item.document_id:
            # A reply link made in this file rests on both documents being in it.
            dropped_links, _ = (
                ReplyLink.objects.filter(work_file=wf)
                .filter(pk__in=_links_touching(item.document_id))
                .delete()
            )
        item.delete()
        label = _document_ref(item.document) if item.document else item.text[:200]
        _audit(
            "workfile.item_removed",
            wf,
            user,
            before,
            note=label,
            kind=item.kind,
            reply_links_removed=dropped_links,
        )


def _links_touching(document_id: int):
    return ReplyLink.objects.filter(Q(reply_id=document_id) | Q(answers_id=document_id)).values(
        "pk"
    )


# --- replies ----------------------------------------------------------------------------


def link_reply(user: User, wf: WorkFile, reply: Document, answers: Document) -> ReplyLink:
    """Record that the outgoing `reply` answers the incoming `answers` (edXML ResponseFor)."""
    _require_edit(user, wf)
    errors = {}
    if reply.direction != Direction.OUTGOING:
        errors["reply"] = "Văn bản trả lời phải là văn bản đi (dự thảo hoặc đã phát hành)."
    if answers.direction != Direction.INCOMING:
        errors["answers"] = "Văn bản được trả lời phải là văn bản đến."
    in_file = set(
        wf.items.filter(document__in=[reply.pk, answers.pk]).values_list("document_id", flat=True)
    )
    if reply.pk not in in_file:
        errors.setdefault("reply", "Văn bản trả lời chưa có trong hồ sơ.")
    if answers.pk not in in_file:
        errors.setdefault("answers", "Văn bản được trả lời chưa có trong hồ sơ.")
    if errors:
        raise ValidationFailed(errors)
    visible = documents_visible_to(user).filter(pk__in=[reply.pk, answers.pk]).count()
    if visible != 2:
        raise PermissionDenied("Bạn không có quyền xem một trong hai văn bản.")
    with transaction.atomic():
        _lock_open(wf)
        if ReplyLink.objects.filter(reply=reply, answers=answers).exists():
            raise ValidationFailed({"reply": "Hai văn bản này đã được liên kết trả lời."})
        before = _snapshot(wf)
        link = ReplyLink.objects.create(reply=reply, answers=answers, work_file=wf, created_by=user)
        _audit(
            "workfile.reply_linked",
            wf,
            user,
            before,
            note=f"{_document_ref(reply)} trả lời {_document_ref(answers)}",
            reply=str(reply.public_id),
            answers=str(answers.public_id),
        )
    return link


def unlink_reply(user: User, wf: WorkFile, link_id) -> None:
    _require_edit(user, wf)
    try:
        link = (
            ReplyLink.objects.select_related("reply__doc_type", "answers__doc_type")
            .filter(work_file=wf, pk=int(link_id))
            .first()
        )
    except (TypeError, ValueError):
        link = None
    if link is None:
        raise ValidationFailed({"link": "Không tìm thấy liên kết trả lời này trong hồ sơ."})
    with transaction.atomic():
        _lock_open(wf)
        before = _snapshot(wf)
        link.delete()
        _audit(
            "workfile.reply_unlinked",
            wf,
            user,
            before,
            note=f"{_document_ref(link.reply)} trả lời {_document_ref(link.answers)}",
        )


# --- close, reopen ----------------------------------------------------------------------


def close_workfile(user: User, wf: WorkFile) -> WorkFile:
    _require_edit(user, wf)
    with transaction.atomic():
        _lock_open(wf)
        if not wf.items.exists():
            raise ValidationFailed({"items": "Hồ sơ chưa có văn bản, ý kiến hay ghi chú nào."})
        before = _snapshot(wf)
        wf.status, wf.closed_at = WorkFileStatus.CLOSED, timezone.now()
        wf.save(update_fields=["status", "closed_at"])
        _audit("workfile.closed", wf, user, before)
    return wf


def reopen_workfile(user: User, wf: WorkFile, reason: str) -> WorkFile:
    """Only the department leader reopens a closed file, with a reason kept in the audit."""
    if not leads_department(user, wf):
        raise PermissionDenied("Chỉ lãnh đạo phòng được mở lại hồ sơ đã kết thúc.")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": "Hãy nêu lý do mở lại hồ sơ."})
    with transaction.atomic():
        changed = WorkFile.objects.filter(pk=wf.pk, status=WorkFileStatus.CLOSED).update(
            status=WorkFileStatus.OPEN, closed_at=None
        )
        if changed != 1:
            raise InvalidTransition("Hồ sơ đang mở, không cần mở lại.")
        before = {**_snapshot(wf), "status": WorkFileStatus.CLOSED}
        wf.status, wf.closed_at = WorkFileStatus.OPEN, None
        _audit("workfile.reopened", wf, user, before, note=reason[:500])
    return wf


__all__ = [
    "add_document",
    "add_note",
    "close_workfile",
    "eligible_departments",
    "link_reply",
    "open_workfile",
    "remove_item",
    "reopen_workfile",
    "suggest_code",
    "unlink_reply",
]
