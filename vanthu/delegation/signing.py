"""Signing for an absent leader: the checks the outgoing approval calls, and the record it
writes with both names ("Ký thay: <người ký thay> thay <người ủy quyền> (KT.)").

The documents app calls these; this module never changes a document itself."""

from __future__ import annotations

from datetime import date

from vanthu.delegation.access import acting_for
from vanthu.delegation.models import Delegation, Power
from vanthu.directory.models import Membership
from vanthu.documents.models import Document
from vanthu.documents.numbering import local_today
from vanthu.errors import PermissionDenied

NOT_SIGNER = (
    "Chỉ người ký được chỉ định hoặc người được ủy quyền ký thay mới được ký duyệt văn bản này."
)


def may_sign_for(user, document: Document, *, on: date | None = None) -> Delegation | None:
    """The "sign" delegation through which `user` may approve `document` in place of its
    designated signer on `on` (today by default); None when there is none. The delegation
    must belong to the document's agency: a leader of two agencies delegates each apart."""
    if document.signer_id is None or document.signer_id == getattr(user, "pk", None):
        return None
    delegation = acting_for(user, document.signer_id, power=Power.SIGN, on=on)
    if delegation is None or delegation.agency_id != document.agency_id:
        return None
    return delegation


def require_sign_authority(user, document: Document, *, on: date | None = None):
    """None when `user` is the designated signer; the delegation when they substitute for
    them; otherwise PermissionDenied, saying why when a delegation existed but is not usable
    (expired, revoked, not yet started) so that the substitute is not left guessing."""
    if document.signer_id is not None and document.signer_id == user.pk:
        return None
    delegation = may_sign_for(user, document, on=on)
    if delegation is not None:
        return delegation
    raise PermissionDenied(_why_not(user, document, on or local_today()))


def _why_not(user, document: Document, day: date) -> str:
    last = (
        Delegation.objects.filter(
            agency_id=document.agency_id,
            principal_id=document.signer_id,
            delegate_id=user.pk,
            power=Power.SIGN,
        )
        .select_related("principal")
        .order_by("-valid_to", "-id")
        .first()
        if document.signer_id
        else None
    )
    if last is None:
        return NOT_SIGNER
    name = last.principal.full_name
    if last.revoked_at is not None:
        return (
            f"Ủy quyền ký thay {name} đã bị thu hồi; ông/bà không còn được ký văn bản này. "
            "Hãy trình lại người ký được chỉ định."
        )
    if day > last.valid_to:
        return (
            f"Ủy quyền ký thay {name} đã hết hạn từ ngày {last.valid_to:%d/%m/%Y}; "
            "ông/bà không còn được ký văn bản này."
        )
    if day < last.valid_from:
        return (
            f"Ủy quyền ký thay {name} chỉ có hiệu lực từ ngày {last.valid_from:%d/%m/%Y}; "
            "chưa được ký văn bản này."
        )
    # Dates fine but a role ended: one of the two left the agency.
    return f"Ủy quyền ký thay {name} không còn hiệu lực vì một trong hai người đã thôi giữ vai trò tại cơ quan."


def substitute_note(delegation: Delegation | None, comment: str = "") -> str:
    """The audit note of an approval: both names and the capacity, then the comment."""
    if delegation is None:
        return comment
    capacity = f" ({delegation.capacity})" if delegation.capacity else ""
    head = (
        f"Ký thay: {delegation.delegate.full_name} thay {delegation.principal.full_name}{capacity}"
    )
    return f"{head}. {comment}" if comment else head


def substitute_signer_fields(delegation: Delegation) -> dict:
    """What the document records and prints when a substitute signs: their name, their own
    position, and the capacity of the delegation (e.g. "KT." above "PHÓ CHỦ TỊCH")."""
    membership = (
        Membership.objects.current(local_today())
        .filter(user_id=delegation.delegate_id, agency_id=delegation.agency_id)
        .filter(position__isnull=False)
        .select_related("position")
        .order_by("position__rank")
        .first()
    )
    return {
        "signer_name": delegation.delegate.full_name,
        "signer_position": membership.position.name if membership else "",
        "signing_capacity": delegation.capacity,
    }


SIGNER_FIELDS = ("signer_name", "signer_position", "signing_capacity")


def apply_substitute(document: Document, delegation: Delegation) -> list[str]:
    """Put the substitute's name, position and capacity on `document` (in memory) before the
    PDF is signed, so the signature block shows who really signs; returns the field names
    for the caller's save(update_fields=…) in its approving transaction."""
    for field, value in substitute_signer_fields(delegation).items():
        setattr(document, field, value)
    return [*SIGNER_FIELDS, "updated_at"]


__all__ = [
    "SIGNER_FIELDS",
    "apply_substitute",
    "NOT_SIGNER",
    "may_sign_for",
    "require_sign_authority",
    "substitute_note",
    "substitute_signer_fields",
]
