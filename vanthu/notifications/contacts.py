"""Exchange contacts (đầu mối tiếp nhận văn bản điện tử) and the arrival alert they receive.

The exchange transports call `alert_arrival()` inside the transaction that records an
electronic arrival, so the alert and the arrival commit (or roll back) together: a contact
is never told about a document that is not there, nor left untold about one that is.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.models import Agency, Membership, Role, User
from vanthu.documents.models import Document, Secrecy, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.notifications.access import may_manage_contacts
from vanthu.notifications.actions import notify, sms_line
from vanthu.notifications.models import ExchangeContact

NO_REFERENCE = "(không số)"


def _require_manager(user, agency: Agency) -> None:
    if not may_manage_contacts(user, agency.pk):
        raise PermissionDenied(
            "Chỉ văn thư, lãnh đạo cơ quan hoặc quản trị hệ thống được chỉ định đầu mối."
        )


def current_members(agency: Agency):
    """Active accounts holding a role in `agency` today: who may be named a contact."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(agency=agency),
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def contacts_of(agency: Agency):
    return (
        ExchangeContact.objects.filter(agency=agency)
        .select_related("user", "added_by")
        .order_by("-active", "user__full_name", "pk")
    )


def add_contact(user, agency: Agency, member: User | None) -> ExchangeContact:
    """Name `member` a contact of `agency` (or name them again after a removal)."""
    _require_manager(user, agency)
    if member is None:
        raise ValidationFailed({"user": "Hãy chọn người làm đầu mối."})
    if not current_members(agency).filter(pk=member.pk).exists():
        raise ValidationFailed(
            {"user": f"{member} không phải cán bộ đang công tác tại {agency.name}."}
        )
    now = timezone.now()
    with transaction.atomic():
        contact = (
            ExchangeContact.objects.select_for_update().filter(agency=agency, user=member).first()
        )
        if contact is not None and contact.active:
            raise ValidationFailed({"user": f"{member} đã là đầu mối của cơ quan."})
        if contact is None:
            contact = ExchangeContact.objects.create(
                agency=agency, user=member, added_by=user, added_at=now
            )
        else:
            contact.active, contact.added_by, contact.added_at = True, user, now
            contact.removed_at = None
            contact.save(update_fields=["active", "added_by", "added_at", "removed_at"])
        record_event(
            "notifications.contact_added",
            contact,
            actor=user,
            agency=agency,
            after={"user": member.username, "active": True},
            note=f"{member.full_name or member.username} làm đầu mối tiếp nhận văn bản điện tử",
        )
    return contact


def remove_contact(user, contact: ExchangeContact) -> ExchangeContact:
    _require_manager(user, contact.agency)
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: of two managers removing at once, one records the removal.
        changed = ExchangeContact.objects.filter(pk=contact.pk, active=True).update(
            active=False, removed_at=now
        )
        if changed != 1:
            raise InvalidTransition("Người này đã thôi làm đầu mối; hãy tải lại trang.")
        record_event(
            "notifications.contact_removed",
            contact,
            actor=user,
            agency=contact.agency,
            before={"user": contact.user.username, "active": True},
            after={"active": False},
            note=f"{contact.user.full_name or contact.user.username} thôi làm đầu mối",
        )
    contact.active, contact.removed_at = False, now
    return contact


def arrival_recipients(agency: Agency) -> list[User]:
    """Who hears of an electronic arrival: the active contacts who still work there, or,
    when there are none, the agency's clerks (whose queue the document lands in anyway)."""
    members = Membership.objects.current().filter(agency=agency)
    contacts = list(
        User.objects.filter(
            is_active=True,
            exchange_contact_roles__agency=agency,
            exchange_contact_roles__active=True,
            memberships__in=members,
        )
        .distinct()
        .order_by("pk")
    )
    if contacts:
        return contacts
    return list(
        User.objects.filter(is_active=True, memberships__in=members.filter(role=Role.CLERK))
        .distinct()
        .order_by("pk")
    )


def alert_arrival(document: Document) -> int:
    """Tell the recipient agency's contacts that `document` arrived electronically (in the
    app, by e-mail and by SMS). Returns how many people were told."""
    from vanthu.documents.access import documents_visible_to

    reference = document.reference or NO_REFERENCE
    issuer = document.issuer_name or "cơ quan gửi"
    title = f"Văn bản đến: {reference} — {issuer}"
    secret = document.secrecy != Secrecy.NORMAL
    # A secret document's subject does not leave VanThu by e-mail or SMS.
    subject = "Văn bản mật: xem trên VanThu." if secret else document.subject
    body = subject
    if document.status == Status.REFUSED:
        body += f"\nVăn bản đã bị từ chối tự động khi đến: {document.refusal_reason}"
    text = sms_line(f"VanThu: Văn bản điện tử đến {reference} của {issuer}: {subject}")
    page = reverse("web:document_detail", args=[document.public_id])
    told = 0
    for person in arrival_recipients(document.agency):
        # The link only where it opens: a contact who cannot see the document reads the
        # notification itself instead of landing on a 404.
        visible = documents_visible_to(person).filter(pk=document.pk).exists()
        notify(
            person,
            kind="arrival",
            title=title,
            body=body,
            url=page if visible else "",
            sms=True,
            sms_text=text,
        )
        told += 1
    return told
