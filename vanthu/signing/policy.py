"""An agency's rules for electronic arrivals: refuse unsigned or invalid documents
automatically (some provinces return every unsigned document to its sender).

This module decides; the refusal itself is the incoming-document action
``vanthu.documents.actions.incoming.apply_arrival_policy`` (documents call signing, never the
other way round), which uses the same path as a clerk's refusal: status "từ chối", the
reason back to the sender as status 02, an audit event.

What counts as what:

* ``refuse_unsigned``: the main file carries no signature, or is not a PDF at all (a PAdES
  signature can only be in a PDF);
* ``refuse_invalid``: the verdict is ``invalid`` (content changed after signing, broken
  cryptography, revoked certificate, certificate expired at signing time).
* ``untrusted`` (the CA is not in the trust store, or revocation could not be checked) is
  shown to the clerk but never refused automatically: it often means the store lacks a
  legitimate CA, which an administrator fixes, and the sender could not fix anything.
"""

from __future__ import annotations

from django.db import transaction

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.errors import PermissionDenied
from vanthu.signing.models import SignatureCheck, SigningPolicy
from vanthu.signing.summary import describe

AUTOMATIC_NOTE = "Tự động từ chối theo quy định của cơ quan"


def policy_for(agency) -> SigningPolicy:
    """The agency's policy; an agency that never set one refuses nothing."""
    return SigningPolicy.objects.filter(agency=agency).first() or SigningPolicy(agency=agency)


def refusal_reason(agency, check: SignatureCheck | None) -> str | None:
    """The reason sent back to the sender, or None when the arrival is acceptable.

    ``check`` is None when the main file is not a PDF."""
    policy = SigningPolicy.objects.filter(agency=agency).first()
    if policy is None:
        return None
    verdict = check.verdict if check is not None else SignatureCheck.Verdict.UNSIGNED
    if verdict == SignatureCheck.Verdict.UNSIGNED and policy.refuse_unsigned:
        if check is None:
            return (
                f"{AUTOMATIC_NOTE}: văn bản điện tử phải là tệp PDF có chữ ký số; "
                "tệp nhận được không phải PDF."
            )
        return f"{AUTOMATIC_NOTE}: văn bản điện tử chưa được ký số."
    if verdict == SignatureCheck.Verdict.INVALID and policy.refuse_invalid:
        return f"{AUTOMATIC_NOTE}: chữ ký số không hợp lệ. {describe(check.verdict, check.report)}"
    return None


def can_manage_policy(user, agency) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.has(agency.pk, Role.AGENCY_LEADER, Role.ADMIN)


def update_policy(actor, agency, *, refuse_unsigned: bool, refuse_invalid: bool) -> SigningPolicy:
    """Set the agency's two rules (its leaders or a system administrator)."""
    if not can_manage_policy(actor, agency):
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan hoặc quản trị hệ thống mới được thay đổi quy định tiếp nhận."
        )
    with transaction.atomic():
        policy, _ = SigningPolicy.objects.select_for_update().get_or_create(agency=agency)
        before = {
            "refuse_unsigned": policy.refuse_unsigned,
            "refuse_invalid": policy.refuse_invalid,
        }
        policy.refuse_unsigned = refuse_unsigned
        policy.refuse_invalid = refuse_invalid
        policy.updated_by = actor
        policy.save()
        after = {"refuse_unsigned": refuse_unsigned, "refuse_invalid": refuse_invalid}
        if before != after:
            record_event(
                "signing.policy_updated",
                agency,
                actor=actor,
                agency=agency,
                before=before,
                after=after,
            )
    return policy
