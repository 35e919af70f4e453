"""The one place that decides who may see which document (STYLE rule 5).

Lists start from documents_visible_to(user); single objects come from
get_document_for_user(), which answers 404 for anything not visible, so a guessed id
reveals nothing. Secret documents are visible only to the people named on them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from vanthu.circuits.models import ReviewTask
from vanthu.delegation.queues import substituted_documents_q
from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents.models import Document, Forward, Secrecy


def documents_visible_to(user) -> QuerySet[Document]:
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    roles = roles_of(user)
    whole_agency = roles.agencies_with(Role.CLERK, Role.AGENCY_LEADER)
    member_departments = set().union(*roles.departments.values()) if roles.departments else set()

    forwarded = Forward.objects.filter(
        Q(to_user=user) | Q(to_department__in=member_departments)
    ).values("document_id")
    personal = Q(created_by=user) | Q(signer=user) | Q(presented_to=user) | Q(pk__in=forwarded)
    # A substitute sees what waits for the leader they stand in for today.
    substituted = substituted_documents_q(user)
    if substituted is not None:
        personal |= substituted
    # A reviewer named in a draft's review circuit reads the draft.
    personal |= Q(pk__in=ReviewTask.objects.filter(reviewer=user).values("review__document_id"))
    open_docs = personal
    if whole_agency:
        open_docs |= Q(agency_id__in=whole_agency)
    if roles.led_departments:
        open_docs |= Q(drafting_department_id__in=roles.led_departments)

    secret_readable = Q(created_by=user) | Q(
        pk__in=Document.named_readers.through.objects.filter(user=user).values("document_id")
    )
    return Document.objects.filter(
        (Q(secrecy=Secrecy.NORMAL) & open_docs) | (~Q(secrecy=Secrecy.NORMAL) & secret_readable)
    )


def get_document_for_user(user, public_id) -> Document:
    try:
        return (
            documents_visible_to(user)
            .select_related(
                "agency", "doc_type", "drafting_department", "signer", "created_by", "presented_to"
            )
            .get(public_id=public_id)
        )
    except (Document.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise Http404("Không tìm thấy văn bản hoặc bạn không có quyền xem.") from None
