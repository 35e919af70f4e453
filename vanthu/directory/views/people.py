"""People: list, create, and the person page where roles are given, ended, and the account
locked or unlocked."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vanthu.directory import actions
from vanthu.directory.access import get_user_for_admin
from vanthu.directory.forms import MembershipEndForm, MembershipForm, UserCreateForm
from vanthu.directory.models import Membership, User
from vanthu.directory.search import search_ids
from vanthu.directory.views.common import admin_view, attach_errors, history_rows, paginate, posted
from vanthu.errors import DomainError


@admin_view
def user_list(request):
    q = request.GET.get("q", "").strip()
    qs = User.objects.order_by("full_name", "username")
    if q:
        page, query = paginate(request, search_ids(qs, q, "full_name", "username", "email"))
        loaded = User.objects.in_bulk(page.object_list)
        page.object_list = [loaded[pk] for pk in page.object_list]
    else:
        page, query = paginate(request, qs)
    current = (
        Membership.objects.current()
        .filter(user__in=page.object_list)
        .select_related("agency", "department")
        .order_by("agency__name")
    )
    roles: dict[int, list[Membership]] = {}
    for membership in current:
        roles.setdefault(membership.user_id, []).append(membership)
    rows = [(account, roles.get(account.pk, [])) for account in page.object_list]
    context = {"page": page, "query": query, "q": q, "rows": rows}
    return render(request, "directory/user_list.html", context)


@admin_view
def user_create(request):
    form = UserCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = actions.create_user(
                request.user,
                username=d["username"],
                full_name=d["full_name"],
                password=d["password"],
                email=d["email"],
                phone=d["phone"],
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã tạo tài khoản «{account.username}». Hãy giao vai trò.")
            return redirect("directory:user_detail", public_id=account.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/user_form.html", {"form": form}, status=status)


def _render_user(request, account, form=None, status=200):
    today = timezone.localdate()
    memberships = account.memberships.select_related("agency", "department", "position")
    context = {
        "account": account,
        "today": today,
        "memberships": memberships.order_by("-valid_to", "agency__name"),
        "form": form or MembershipForm(initial={"valid_from": today}),
        "end_initial": today,
        "history": history_rows(account),
    }
    return render(request, "directory/user_detail.html", context, status=status)


@admin_view
def user_detail(request, public_id):
    return _render_user(request, get_user_for_admin(request.user, public_id))


@admin_view  # outermost: non-admins get 404 even for a GET
@require_POST
def membership_add(request, public_id):
    account = get_user_for_admin(request.user, public_id)
    form = MembershipForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.add_membership(request.user, account, **d)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã giao vai trò.")
            return redirect("directory:user_detail", public_id=account.public_id)
    return _render_user(request, account, form, status=400)


@admin_view  # outermost: non-admins get 404 even for a GET
@require_POST
def membership_end(request, public_id):
    account = get_user_for_admin(request.user, public_id)
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Chưa chọn ngày kết thúc hợp lệ.")
        return redirect("directory:user_detail", public_id=account.public_id)
    # Looked up among this person's roles only, so a forged id cannot reach another's.
    membership = account.memberships.filter(pk=form.cleaned_data["membership"]).first()
    if membership is None:
        raise Http404
    try:
        actions.end_membership(request.user, membership, form.cleaned_data["valid_to"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã kết thúc vai trò; lịch sử vẫn được giữ.")
    return redirect("directory:user_detail", public_id=account.public_id)


@admin_view  # outermost: non-admins get 404 even for a GET
@require_POST
def user_set_active(request, public_id):
    account = get_user_for_admin(request.user, public_id)
    active = request.POST.get("active") == "1"
    try:
        actions.set_user_active(request.user, account, active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã mở khóa tài khoản." if active else "Đã khóa tài khoản.")
    return redirect("directory:user_detail", public_id=account.public_id)
