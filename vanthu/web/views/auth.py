from __future__ import annotations

from django import forms
from django.contrib.auth import login, logout
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vanthu.directory.actions import LoginLocked, authenticate_with_lockout


class LoginForm(forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mật khẩu", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = authenticate_with_lockout(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except LoginLocked as locked:
            until = timezone.localtime(locked.until).strftime("%H:%M %d/%m/%Y")
            form.add_error(
                None,
                f"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {until}.",
            )
        else:
            if user is None:
                form.add_error(None, "Tên đăng nhập hoặc mật khẩu không đúng.")
            else:
                login(request, user)
                target = request.GET.get("next", "")
                return redirect(
                    target
                    if target.startswith("/") and not target.startswith("//")
                    else "web:dashboard"
                )
    return render(request, "web/login.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})
