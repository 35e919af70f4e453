"""Pages of the notifications app. Each person sees only their own notifications; the outbox
page is for system administrators."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from vanthu.directory.models import User
from vanthu.directory.views.common import admin_view, attach_errors, paginate, posted
from vanthu.errors import DomainError, ValidationFailed
from vanthu.notifications import actions, conf
from vanthu.notifications import contacts as contact_actions
from vanthu.notifications.access import (
    agencies_for_contacts,
    get_contact_for_manager,
    get_notification_for_user,
    get_outbox_message_for_admin,
    notifications_of,
)
from vanthu.notifications.forms import PreferenceForm
from vanthu.notifications.models import OutboxMessage, OutboxStatus


@login_required
@require_GET
def notification_list(request):
    # Unread first, then newest first; both halves come from the (recipient, read_at) index.
    qs = notifications_of(request.user).select_related("actor")
    only_unread = bool(request.GET.get("chua-doc"))
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    qs = qs.order_by(
        Case(When(read_at__isnull=True, then=Value(0)), default=Value(1)), "-created_at", "-pk"
    )
    page, query = paginate(request, qs)
    unread = actions.unread_count(request.user)
    context = {"page": page, "query": query, "unread": unread, "only_unread": only_unread}
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_open(request, public_id):
    notification = get_notification_for_user(request.user, public_id)
    actions.mark_read(request.user, notification)
    if notification.url:
        return redirect(notification.url)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def mark_all_read(request):
    count = actions.mark_all_read(request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("notifications:list")


@require_GET
def unread_count(request):
    # Polled every 30 s from the navigation bar. After the session ends, 204 tells htmx to
    # leave the page alone instead of swapping the login form into the bell.
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = actions.unread_count(request.user)
    return render(request, "notifications/_unread_count.html", {"unread": count})


@login_required
def preferences(request):
    pref = actions.preferences_of(request.user)
    form = PreferenceForm.for_preference(pref, posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.update_preferences(
                request.user,
                email_enabled=d["email_enabled"],
                sms_enabled=d["sms_enabled"],
                sms_phone=d["sms_phone"],
                digest_enabled=d["digest_enabled"],
                muted=form.muted(pref),
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã lưu cài đặt thông báo.")
            return redirect("notifications:preferences")
    context = {
        "form": form,
        "directory_phone": request.user.phone,
        "sms_phone": actions.sms_phone_of(request.user, pref),
        "email_on": conf.email_enabled(),
        "sms_on": conf.sms_enabled(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", context, status=status)


@admin_view
@require_GET
def outbox_admin(request):
    now = timezone.now()
    attention = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.FAILED)
        | Q(status=OutboxStatus.PENDING, created_at__lte=now - conf.STUCK_AFTER)
        | Q(status=OutboxStatus.PENDING, attempts__gt=0)
    ).select_related("recipient")
    page, query = paginate(request, attention.order_by("-created_at", "-pk"))
    totals = {
        (row["channel"], row["status"]): row["n"]
        for row in OutboxMessage.objects.values("channel", "status").annotate(n=Count("pk"))
    }
    context = {
        "page": page,
        "query": query,
        "totals": totals,
        "email_on": conf.email_enabled(),
        "sms_on": conf.sms_enabled(),
        "sms_url": conf.sms_gateway_url(),
        "stuck_minutes": int(conf.STUCK_AFTER.total_seconds() // 60),
        "max_attempts": conf.max_attempts(),
        "counts": [
            (
                label,
                totals.get((channel, "pending"), 0),
                totals.get((channel, "sent"), 0),
                totals.get((channel, "failed"), 0),
            )
            for channel, label in (("email", "Thư điện tử"), ("sms", "Tin nhắn SMS"))
        ],
    }
    return render(request, "notifications/outbox_admin.html", context)


@admin_view  # outermost: non-admins get 404 even for a GET
@require_POST
def outbox_retry(request, public_id):
    message = get_outbox_message_for_admin(request.user, public_id)
    try:
        actions.retry_message(request.user, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã đưa lại vào hàng đợi: {message.address}.")
    return redirect("notifications:outbox_admin")


# --- exchange contacts ------------------------------------------------------------------------
# /thong-bao/dau-moi/: an agency's clerks, leaders and the administrators name who is alerted
# when a document arrives electronically. Everyone else gets 404.


def _contacts_agency(request, code: str | None):
    """?co-quan=<code> among the agencies the user manages, else the first of them."""
    agencies = agencies_for_contacts(request.user)
    agency = agencies.filter(code=code).first() if code else agencies.first()
    if agency is None:
        raise Http404("Không tìm thấy cơ quan hoặc bạn không quản lý đầu mối của cơ quan này.")
    return agency, agencies


def _contacts_url(agency) -> str:
    return f"{reverse('notifications:contacts')}?co-quan={agency.code}"


@login_required
@require_GET
def contacts(request):
    agency, agencies = _contacts_agency(request, request.GET.get("co-quan"))
    return _contacts_page(request, agency, agencies)


def _contacts_page(request, agency, agencies, *, errors=None, status: int = 200):
    rows = list(contact_actions.contacts_of(agency))
    active_ids = {c.user_id for c in rows if c.active}
    context = {
        "agency": agency,
        "agencies": list(agencies) if agencies.count() > 1 else [],
        "active": [c for c in rows if c.active],
        "former": [c for c in rows if not c.active],
        "candidates": [
            m for m in contact_actions.current_members(agency) if m.pk not in active_ids
        ],
        # Who is alerted today while nobody is named: the clerks.
        "fallback": [] if active_ids else contact_actions.arrival_recipients(agency),
        "errors": errors or {},
    }
    return render(request, "notifications/contacts.html", context, status=status)


@login_required
@require_POST
def contact_add(request):
    agency, agencies = _contacts_agency(request, request.POST.get("agency"))
    raw = request.POST.get("user", "")
    member = None
    if raw:
        try:
            member = User.objects.filter(public_id=uuid.UUID(raw)).first()
        except ValueError:
            member = None
        if member is None:
            return _contacts_page(
                request,
                agency,
                agencies,
                errors={"user": "Không tìm thấy người được chọn."},
                status=400,
            )
    try:
        contact = contact_actions.add_contact(request.user, agency, member)
    except ValidationFailed as exc:
        return _contacts_page(request, agency, agencies, errors=exc.errors, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã chỉ định {contact.user} làm đầu mối tiếp nhận văn bản.")
    return redirect(_contacts_url(agency))


@login_required
@require_POST
def contact_remove(request, public_id):
    contact = get_contact_for_manager(request.user, public_id)
    try:
        contact_actions.remove_contact(request.user, contact)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{contact.user} đã thôi làm đầu mối tiếp nhận văn bản.")
    return redirect(_contacts_url(contact.agency))
