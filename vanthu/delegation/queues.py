"""The absent leader's queue, shown to their substitute: drafts awaiting the principal's
signature (power "sign") and incoming documents presented to the principal (power
"handle"), each group marked "thay <principal>".

Secret documents stay with the people named on them (Law on Protection of State Secrets):
a substitute sees one only when named as a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from vanthu.delegation.access import delegations_in_force
from vanthu.delegation.models import Delegation, Power
from vanthu.documents.models import Direction, Document, Secrecy, Status


@dataclass
class SubstituteQueue:
    delegation: Delegation
    awaiting_signature: QuerySet[Document]  # empty unless the power is "sign"
    presented: QuerySet[Document]  # empty unless the power is "handle"

    @property
    def principal(self):
        return self.delegation.principal

    @property
    def label(self) -> str:
        capacity = f" ({self.delegation.capacity})" if self.delegation.capacity else ""
        return f"thay {self.delegation.principal.full_name}{capacity}"


def _readable(user) -> Q:
    named = Document.named_readers.through.objects.filter(user_id=user.pk).values("document_id")
    return Q(secrecy=Secrecy.NORMAL) | Q(pk__in=named)


def _awaiting(delegation: Delegation, user) -> QuerySet[Document]:
    return Document.objects.filter(
        _readable(user),
        direction=Direction.OUTGOING,
        status=Status.AWAITING_SIGNATURE,
        agency_id=delegation.agency_id,
        signer_id=delegation.principal_id,
    )


def _presented(delegation: Delegation, user) -> QuerySet[Document]:
    return Document.objects.filter(
        _readable(user),
        direction=Direction.INCOMING,
        status=Status.PRESENTED,
        agency_id=delegation.agency_id,
        presented_to_id=delegation.principal_id,
    )


def substitute_queue(user, *, on: date | None = None) -> list[SubstituteQueue]:
    """One group per delegation `user` holds today, principals by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = (
        delegations_in_force(on)
        .filter(delegate_id=user.pk)
        .select_related("principal", "agency")
        .order_by("principal__full_name", "power")
    )
    none = Document.objects.none()
    return [
        SubstituteQueue(
            delegation=d,
            awaiting_signature=_awaiting(d, user) if d.power == Power.SIGN else none,
            presented=_presented(d, user) if d.power == Power.HANDLE else none,
        )
        for d in held
    ]


def _held(user, power: str, on: date | None, person_field: str):
    return delegations_in_force(on).filter(
        delegate_id=user.pk,
        power=power,
        principal_id=OuterRef(person_field),
        agency_id=OuterRef("agency_id"),
    )


def substitute_awaiting_signature(user, *, on: date | None = None) -> QuerySet[Document]:
    """Every draft awaiting the signature of someone `user` signs for, in one query (for the
    navigation count and for the document page's visibility)."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    return Document.objects.filter(
        _readable(user),
        Exists(_held(user, Power.SIGN, on, "signer_id")),
        direction=Direction.OUTGOING,
        status=Status.AWAITING_SIGNATURE,
    )


def substitute_presented(user, *, on: date | None = None) -> QuerySet[Document]:
    """Every incoming document presented to someone `user` handles for, in one query."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    return Document.objects.filter(
        _readable(user),
        Exists(_held(user, Power.HANDLE, on, "presented_to_id")),
        direction=Direction.INCOMING,
        status=Status.PRESENTED,
    )


def substitute_count(user) -> int:
    return substitute_awaiting_signature(user).count() + substitute_presented(user).count()


def substituted_documents_q(user) -> Q | None:
    """For documents_visible_to: the documents waiting for someone `user` stands in for, or
    None when they stand in for nobody today (then the visibility rule is unchanged and
    costs one indexed query, cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    holds = getattr(user, "_vanthu_substitutes", None)
    if holds is None:
        holds = delegations_in_force().filter(delegate_id=user.pk).exists()
        user._vanthu_substitutes = holds
    if not holds:
        return None
    return Q(pk__in=substitute_awaiting_signature(user).values("pk")) | Q(
        pk__in=substitute_presented(user).values("pk")
    )
