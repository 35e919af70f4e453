"""User list and creation; the person page where roles are given and ended."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vanthu.audit.models import AuditEvent
from vanthu.directory.models import Membership, User


def _detail(user) -> str:
    return reverse("directory:user_detail", args=[user.public_id])


def test_the_list_searches_names_without_diacritics(admin_client, world):
    page = admin_client.get(reverse("directory:user_list"), {"q": "nguyen thi van"}).content
    text = page.decode()
    assert "Nguyễn Thị Văn Thư" in text and "Người Ngoài" not in text
    assert "Văn thư — Văn phòng UBND tỉnh, Ủy ban nhân dân tỉnh Nghệ An" in text


def test_creating_a_user_then_giving_a_role(admin_client, world):
    response = admin_client.post(
        reverse("directory:user_create"),
        {
            "username": "tranb",
            "full_name": "Trần Thị B",
            "email": "tranb@nghean.gov.vn",
            "password": "Hoa-Sen-2026-vanthu",
            "password_again": "Hoa-Sen-2026-vanthu",
        },
    )
    account = User.objects.get(username="tranb")
    assert response["Location"] == _detail(account)
    response = admin_client.post(
        reverse("directory:membership_add", args=[account.public_id]),
        {
            "agency": world.stc.code,
            "department": "NS",
            "role": "specialist",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=account)
    assert membership.department == world.ns_stc and membership.valid_to is None
    assert "Phòng Ngân sách" in admin_client.get(_detail(account)).content.decode()


def test_mismatched_passwords_create_nobody(admin_client, world):
    response = admin_client.post(
        reverse("directory:user_create"),
        {"username": "x1", "full_name": "X", "password": "abcdefgh12", "password_again": "other"},
    )
    assert response.status_code == 400
    assert "Mật khẩu nhập lại không khớp." in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_a_department_of_another_agency_is_refused_on_the_form(admin_client, world):
    response = admin_client.post(
        reverse("directory:membership_add", args=[world.outsider.public_id]),
        {"agency": world.stc.code, "department": "VP", "role": "clerk", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "không có phòng, ban mã «VP»" in response.content.decode()
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_ending_a_role_keeps_it_in_the_history(admin_client, world):
    membership = Membership.objects.get(user=world.clerk_stc)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = admin_client.post(
        reverse("directory:membership_end", args=[world.clerk_stc.public_id]),
        {"membership": membership.pk, "valid_to": yesterday.isoformat()},
    )
    assert response["Location"] == _detail(world.clerk_stc)
    membership.refresh_from_db()
    assert membership.valid_to == yesterday
    text = admin_client.get(_detail(world.clerk_stc)).content.decode()
    assert "đã kết thúc" in text  # the row stays, marked
    assert "<strong>Kết thúc vai trò</strong>" in text  # and the history says why
    assert AuditEvent.objects.filter(action="directory.membership_ended").count() == 1


def test_a_role_of_someone_else_cannot_be_ended_through_this_page(admin_client, world):
    other = Membership.objects.get(user=world.clerk_ubnd)
    response = admin_client.post(
        reverse("directory:membership_end", args=[world.clerk_stc.public_id]),
        {"membership": other.pk, "valid_to": "2026-01-01"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.valid_to is None


def test_locking_and_unlocking_an_account(admin_client, world):
    url = reverse("directory:user_set_active", args=[world.specialist_stc.public_id])
    admin_client.post(url, {"active": "0"})
    world.specialist_stc.refresh_from_db()
    assert not world.specialist_stc.is_active
    admin_client.post(url, {"active": "1"})
    world.specialist_stc.refresh_from_db()
    assert world.specialist_stc.is_active
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="directory.")] == [
        "directory.user_deactivated",
        "directory.user_activated",
    ]


def test_locking_yourself_shows_an_error(admin_client, world):
    url = reverse("directory:user_set_active", args=[world.admin.public_id])
    response = admin_client.post(url, {"active": "0"}, follow=True)
    assert "Không thể tự khóa tài khoản của chính mình." in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active
