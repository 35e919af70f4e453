"""Shared guards of the document actions: permission checks, guarded status transitions
(compare-and-set on the status column) and the snapshot written into audit events."""

from __future__ import annotations

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.documents.files import add_version
from vanthu.documents.models import Document, FileVersion
from vanthu.errors import InvalidTransition, PermissionDenied


def require_role(user, agency, *roles: str) -> None:
    if not roles_of(user).has(agency.pk, *roles):
        raise PermissionDenied(
            "Bạn không có quyền thực hiện thao tác này với văn bản của cơ quan này."
        )


def snapshot(doc: Document) -> dict:
    return {
        "status": doc.status,
        "reference": doc.reference,
        "arrival_number": doc.arrival_number,
        "subject": doc.subject,
    }


def transition(doc: Document, allowed_from: set[str], to: str) -> None:
    """Move `doc` to `to` if and only if it is still in one of `allowed_from`.

    The UPDATE ... WHERE status IN (...) is the compare-and-set: of two clerks clicking at the
    same moment, one updates a row and the other updates none and gets a clear error.
    """
    if doc.status not in allowed_from:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái «{doc.get_status_display()}», không thể thực hiện thao tác này."
        )
    changed = Document.objects.filter(pk=doc.pk, status__in=allowed_from).update(status=to)
    if changed != 1:
        raise InvalidTransition("Văn bản vừa được người khác xử lý; hãy tải lại trang.")
    doc.status = to


def audit(
    action: str, doc: Document, user, before: dict, note: str = "", on_behalf_of=None
) -> None:
    record_event(
        action,
        doc,
        actor=user,
        agency=doc.agency,
        before=before,
        after=snapshot(doc),
        note=note,
        on_behalf_of=on_behalf_of,
    )


def add_file(
    doc: Document, checked, kind: str, user, derived_from: FileVersion | None = None
) -> FileVersion:
    return add_version(doc, checked, kind, user, derived_from)
