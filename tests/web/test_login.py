from __future__ import annotations

from django.urls import reverse

from tests.personas import PASSWORD
from vanthu.audit.models import AuditEvent


def _post(client, username, password):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_it_logs_in_and_records_the_event(client, world):
    response = _post(client, "clerk_ubnd", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="auth.login", actor=world.clerk_ubnd).exists()


def test_it_rejects_a_wrong_password_in_vietnamese(client, world):
    response = _post(client, "clerk_ubnd", "sai")
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_it_locks_the_account_after_repeated_failures(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _post(client, "clerk_ubnd", "sai")
    response = _post(client, "clerk_ubnd", PASSWORD)  # right password, still locked
    assert response.status_code == 400
    assert "tạm khóa" in response.content.decode()
    world.clerk_ubnd.refresh_from_db()
    assert world.clerk_ubnd.locked_until is not None
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1


def test_it_does_not_redirect_to_another_site_after_login(client, world):
    response = client.post(
        reverse("web:login") + "?next=//evil.example",
        {"username": "clerk_ubnd", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_pages_require_login(client, db):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
