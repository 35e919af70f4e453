"""Bearer tokens, the browser session, and the 401 every unauthenticated call gets."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.api.conftest import ApiClient
from vanthu.audit.models import AuditEvent
from vanthu.directory.actions import create_api_token, hash_token
from vanthu.directory.models import ApiToken


def test_it_answers_401_in_the_error_shape_without_a_token(world, anonymous):
    response = anonymous.get("/me")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert "Authorization: Bearer" in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "path",
    ["/documents", "/documents/00000000-0000-0000-0000-000000000000", "/agencies", "/me"],
)
def test_every_endpoint_needs_authentication(world, anonymous, path):
    assert anonymous.get(path).status_code == 401


def test_post_endpoints_need_authentication(world, anonymous):
    doc_id = "00000000-0000-0000-0000-000000000000"
    assert anonymous.post(f"/documents/{doc_id}/actions/submit").status_code == 401
    assert anonymous.post_form("/documents/incoming", {}).status_code == 401
    assert anonymous.post_form("/documents/outgoing", {}).status_code == 401


def test_a_valid_token_authenticates_and_records_its_use(world):
    secret = create_api_token(world.clerk_ubnd, "đồng bộ")
    token = ApiToken.objects.get(key_hash=hash_token(secret))
    assert token.last_used_at is None
    response = ApiClient(secret).get("/me")
    assert response.status_code == 200
    assert response.json()["full_name"] == "Nguyễn Thị Văn Thư"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_a_revoked_token(world):
    secret = create_api_token(world.clerk_ubnd, "cũ")
    ApiToken.objects.filter(key_hash=hash_token(secret)).update(revoked_at=timezone.now())
    response = ApiClient(secret).get("/me")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Khóa API không hợp lệ hoặc đã bị thu hồi."


def test_it_refuses_an_unknown_token(world):
    assert ApiClient("vt_khong-phai-khoa-that").get("/documents").status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(world):
    secret = create_api_token(world.clerk_ubnd, "nghỉ việc")
    world.clerk_ubnd.is_active = False
    world.clerk_ubnd.save()
    assert ApiClient(secret).get("/me").status_code == 401


def test_a_bad_token_is_refused_even_with_a_session(world, client):
    client.force_login(world.clerk_ubnd)
    api = ApiClient("vt_sai", client=client)
    assert api.get("/me").status_code == 401


def test_a_logged_in_browser_session_is_accepted(world, client):
    client.force_login(world.leader_ubnd)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "leader_ubnd"


def test_a_session_post_without_csrf_token_is_refused(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.specialist_ubnd)
    response = browser.post(
        "/api/v1/documents/00000000-0000-0000-0000-000000000000/actions/submit",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_the_command_prints_a_working_secret_once(world, capsys):
    call_command("create_api_token", "clerk_stc", "Phần mềm kế toán")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("vt_")
    token = ApiToken.objects.get(user=world.clerk_stc)
    assert token.name == "Phần mềm kế toán"
    assert token.key_hash == hash_token(secret) and secret not in token.key_hash
    assert AuditEvent.objects.filter(action="auth.token_created").count() == 1
    assert ApiClient(secret).get("/me").json()["username"] == "clerk_stc"


def test_the_command_rejects_an_unknown_user(world):
    with pytest.raises(CommandError, match="khong_co"):
        call_command("create_api_token", "khong_co", "x")
    assert not ApiToken.objects.exists()


def test_ping_needs_no_token(db, anonymous):
    assert anonymous.get("/ping").json() == {"status": "ok"}
